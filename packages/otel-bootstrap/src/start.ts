import { diag } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { readConfig } from './config/read-config';
import type { BootstrapConfig, InstrumentationConfig, InstrumentationName } from './config/read-config';
import { installDiagLogger } from './sdk/diagnostics';
import { createInstrumentations, LOADED_ON_IMPORT_OF } from './instrumentation/factories';
import { splitByHookCopy } from './instrumentation/hook-copies';
import { createOnFirstImport } from './instrumentation/on-first-import';
import { abandonPending } from './export/abandon-pending';
import { createBatchSpanProcessor } from './export/batch-span-processor';
import { createTraceExporter } from './export/create-exporter';
import { startLogs } from './logs/start-logs';
import { startMetrics } from './metrics/start-metrics';
import { compositeOf, createPropagators } from './propagation/propagators';
import { createResource, resourceAttributes } from './sdk/resource';
import { DeferredDecisionProcessor } from './sampling/DeferredDecisionProcessor';
import { RedactingSpanProcessor } from './redaction/RedactingSpanProcessor';
import { RedactionRules } from './redaction/redaction-rules';
import type { DeferredDecisionStats } from './sampling/DeferredDecisionProcessor';
import { createSampling } from './sampling/create-sampling';
import { decidesUnsampledChildrenAlike } from './sampling/unsampled-children';
import { unsupportedNode } from './sdk/node-version';
import { watchPatches } from './instrumentation/patch-report';
import { installSdk } from './sdk/install-sdk';
import { reportStartFailure } from './sdk/start-failure';
import { flushWithin, installShutdownHooks } from './sdk/shutdown';
import type { ExitFlush } from './sdk/shutdown';

interface RunningSdk {
  readonly shutdownTimeoutMs: number;
  readonly deferred: DeferredDecisionProcessor | undefined;
  shutdown(): Promise<void>;
  abandon(): void;
}

/** A signal's pipeline as the exit flush drives it: metrics/'s and logs/' running pipelines both fit. */
interface SignalPipeline {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  abandon(): void;
}

let running: RunningSdk | undefined;

/**
 * Starts the preconfigured OpenTelemetry SDK from the environment: traces, metrics and logs. Safe to call more than
 * once.
 *
 * Never throws: a failure is reported once on stderr and the app runs uninstrumented.
 *
 * @returns true when the SDK is running, false when it is disabled or could not start.
 */
export function start(): boolean {
  if (running) return true;
  const unsupported = unsupportedNode();
  if (unsupported) {
    reportStartFailure(unsupported);
    return false;
  }
  try {
    running = startSdk();
    return running !== undefined;
  } catch (error) {
    reportStartFailure(error);
    return false;
  }
}

/** Flushes pending spans, metrics and log records and stops the SDK. Resolves within the shutdown timeout; never rejects. */
export async function shutdown(): Promise<void> {
  const sdk = running;
  running = undefined;
  if (sdk) await flushWithin({ flush: () => sdk.shutdown(), abandon: () => sdk.abandon() }, sdk.shutdownTimeoutMs);
}

/**
 * Counters of the keep buffer (traces pending, spans buffered, kept, dropped, evicted, expired), or undefined
 * when tracing is off or nothing is kept after the fact.
 */
export function deferredDecisionStats(): DeferredDecisionStats | undefined {
  return running?.deferred?.stats();
}

function startSdk(): RunningSdk | undefined {
  // Configuration: one read of the environment and the sampling rules file, its warnings printed by our logger,
  // which prints a repeated failure once a minute. Each stage below gets its own section of it.
  const { config, warnings } = readConfig();
  if (config.sdk.disabled) return undefined;
  installDiagLogger(config.sdk.logLevel);
  for (const warning of warnings) diag.warn(warning.message);

  // Resource: built once, the same for traces, metrics and logs.
  const attributes = resourceAttributes(config.resource);
  const resource = createResource(config.resource, attributes);

  // Metrics and logs: their global providers are registered before any instrumentation exists, since the metrics
  // API has no proxy (a meter taken earlier stays a no-op). Each loads its SDK only when its signal is on.
  const metrics = startMetrics(config.metrics, resource);
  const logs = startLogs(config.logs, resource);

  // Traces: export, sampling and redaction, as spanPipelineOf() puts them together.
  const spans = spanPipelineOf(config, attributes['service.name']);

  // Instrumentation: only the libraries we support, each loaded only when enabled; most only once the app imports
  // their library. The runtime metrics come with metrics.
  const { instrumentations, startLazyLoading } = createEnabledInstrumentations(config.instrumentation);

  // SDK: resource, propagation, sampling and the processor chain, with the meter provider for the instrumentations.
  const sdk = installSdk({
    resource,
    propagator: config.sdk.propagators.length > 0 ? compositeOf(createPropagators(config.sdk.propagators)) : undefined,
    sampler: spans.sampling.sampler,
    spanLimits: config.sdk.spanLimits,
    spanProcessor: spans.processor,
    instrumentations: [...instrumentations, ...(metrics?.instrumentations ?? [])],
    meterProvider: metrics?.meterProvider,
    unsampledChildrenWithoutSdk: decidesUnsampledChildrenAlike(spans.sampling.sampler),
    keeper: spans.deferred,
  });

  // Started after the SDK, so the instrumentations created later find its tracer provider already in place.
  const stopLazyLoading = startLazyLoading();

  // Shutdown: flush all three signals on SIGTERM, SIGINT and beforeExit without changing how the process ends, and
  // within the timeout whatever the collector does.
  const signals = [metrics, logs].filter((pipeline): pipeline is SignalPipeline => pipeline !== undefined);
  const exit = exitFlushOf(spans.processor, spans.exporter, signals);
  const removeHooks = installShutdownHooks(exit, config.sdk.shutdownTimeoutMs);
  return {
    shutdownTimeoutMs: config.sdk.shutdownTimeoutMs,
    deferred: spans.deferred,
    abandon: exit.abandon,
    shutdown: async () => {
      removeHooks();
      stopLazyLoading();
      spans.sampling.stop();
      await Promise.all([sdk.shutdown(), ...signals.map((signal) => signal.shutdown())]);
    },
  };
}

/**
 * The trace pipeline, from the exporter back: OTLP/HTTP (or the terminal tree while no collector answers) behind the
 * stock batch processor, which drops (rather than queues) past its bound; errors and slow traces kept after the
 * fact in front of it; secrets scrubbed as each span ends, before the buffer or the batch ever holds it.
 */
function spanPipelineOf(config: BootstrapConfig, serviceName: string) {
  const exporter = createTraceExporter(config.export);
  const batch = createBatchSpanProcessor(exporter, config.export.batch);
  const sampling = createSampling(config.sampling, serviceName);
  const deferred = sampling.keep ? new DeferredDecisionProcessor(batch, sampling.keep) : undefined;
  const processor = config.redaction.enabled
    ? new RedactingSpanProcessor(deferred ?? batch, new RedactionRules(config.redaction))
    : (deferred ?? batch);
  return { exporter, sampling, deferred, processor };
}

/**
 * The exit flush sends what is queued, then waits for every export in flight, for each signal at once: the batch
 * processor's own flush settles at its first failed batch, with others still on their way. Abandoning gives up on
 * those still waiting, for every signal.
 */
function exitFlushOf(processor: SpanProcessor, exporter: SpanExporter, signals: readonly SignalPipeline[]): ExitFlush {
  const flushSpans = async () => {
    await processor.forceFlush().catch(() => undefined);
    await exporter.forceFlush?.();
  };
  return {
    flush: () => Promise.all([flushSpans(), ...signals.map((signal) => signal.forceFlush())]),
    abandon: () => {
      abandonPending(exporter);
      for (const signal of signals) {
        try {
          signal.abandon();
        } catch {
          // Giving up is best effort; it must never throw into the app's exit.
        }
      }
    },
  };
}

/**
 * Creates the instrumentations the app needs at startup, and returns them with a function that starts creating the
 * others on the app's first import of their library (returning how to stop that).
 */
function createEnabledInstrumentations(config: InstrumentationConfig) {
  const reportLoadFailure = (name: InstrumentationName, error: unknown) =>
    diag.warn(`instrumentation "${name}" could not be loaded and is skipped: ${String(error)}`);
  const { enabled, lazy } = config;
  const { atStartup, onImport } = splitByHookCopy(
    enabled.filter((name) => !lazy || !LOADED_ON_IMPORT_OF[name]),
    lazy ? enabled.filter((name) => LOADED_ON_IMPORT_OF[name]) : [],
    config,
  );
  const instrumentations = createInstrumentations(atStartup, config, reportLoadFailure);
  watchPatches(instrumentations);
  const startLazyLoading = () =>
    createOnFirstImport(
      onImport.map((name) => ({ name, packages: LOADED_ON_IMPORT_OF[name]! })),
      (name) => watchPatches(createInstrumentations([name], config, reportLoadFailure)),
    );
  return { instrumentations, startLazyLoading };
}
