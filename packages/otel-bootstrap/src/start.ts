import { diag } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { readConfig } from './config/read-config';
import type { InstrumentationConfig, InstrumentationName } from './config/read-config';
import { installDiagLogger } from './sdk/diagnostics';
import { createInstrumentations, LOADED_ON_IMPORT_OF } from './instrumentation/factories';
import { splitByHookCopy } from './instrumentation/hook-copies';
import { createOnFirstImport } from './instrumentation/on-first-import';
import { abandonPending } from './export/abandon-pending';
import { createBatchSpanProcessor } from './export/batch-span-processor';
import { createTraceExporter } from './export/create-exporter';
import { compositeOf, createPropagators } from './propagation/propagators';
import { resourceAttributes, resourceDetectors } from './sdk/resource';
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

let running: RunningSdk | undefined;

/**
 * Starts the preconfigured OpenTelemetry SDK from the environment. Safe to call more than once.
 *
 * Never throws: a failure is reported once on stderr and the app runs uninstrumented.
 *
 * @returns true when tracing is running, false when it is disabled or could not start.
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

/** Flushes pending spans and stops the SDK. Resolves within the configured shutdown timeout; never rejects. */
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

  // Export: OTLP/HTTP (or the terminal tree while no collector answers) behind the stock batch processor, which
  // drops (rather than queues) past its bound.
  const exporter = createTraceExporter(config.export);
  const batch = createBatchSpanProcessor(exporter, config.export.batch);

  // Sampling: rules and ratios at the head; errors and slow traces kept after the fact, in front of the batch.
  const attributes = resourceAttributes(config.resource);
  const sampling = createSampling(config.sampling, attributes['service.name']);
  const deferred = sampling.keep ? new DeferredDecisionProcessor(batch, sampling.keep) : undefined;

  // Redaction: secrets are scrubbed as each span ends, before the buffer or the batch ever holds it.
  const processor = config.redaction.enabled
    ? new RedactingSpanProcessor(deferred ?? batch, new RedactionRules(config.redaction))
    : (deferred ?? batch);

  // Instrumentation: only the libraries we support, each loaded only when enabled; most only once the app imports
  // their library.
  const { instrumentations, startLazyLoading } = createEnabledInstrumentations(config.instrumentation);

  // SDK: resource, propagation, sampling and the processor chain; no metrics or logs pipelines.
  const sdk = installSdk({
    envAttributes: config.resource.attributes,
    attributes,
    detectors: resourceDetectors(config.resource),
    propagator: config.sdk.propagators.length > 0 ? compositeOf(createPropagators(config.sdk.propagators)) : undefined,
    sampler: sampling.sampler,
    spanLimits: config.sdk.spanLimits,
    spanProcessor: processor,
    instrumentations,
    unsampledChildrenWithoutSdk: decidesUnsampledChildrenAlike(sampling.sampler),
  });

  // Started after the SDK, so the instrumentations created later find its tracer provider already in place.
  const stopLazyLoading = startLazyLoading();

  // Shutdown: flush on SIGTERM, SIGINT and beforeExit without changing how the process ends, and within the timeout
  // whatever the collector does.
  const exit = exitFlushOf(processor, exporter);
  const removeHooks = installShutdownHooks(exit, config.sdk.shutdownTimeoutMs);
  return {
    shutdownTimeoutMs: config.sdk.shutdownTimeoutMs,
    deferred,
    abandon: exit.abandon,
    shutdown: async () => {
      removeHooks();
      stopLazyLoading();
      sampling.stop();
      await sdk.shutdown();
    },
  };
}

/**
 * The exit flush sends what is queued, then waits for every export in flight: the batch processor's own flush settles
 * at its first failed batch, with others still on their way. Abandoning gives up on those still waiting.
 */
function exitFlushOf(processor: SpanProcessor, exporter: SpanExporter): ExitFlush {
  return {
    flush: async () => {
      await processor.forceFlush().catch(() => undefined);
      await exporter.forceFlush?.();
    },
    abandon: () => abandonPending(exporter),
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
