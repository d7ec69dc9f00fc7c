import { diag } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { readConfig } from './config/read-config';
import type { BootstrapConfig, InstrumentationName } from './config/read-config';
import { installDiagLogger } from './sdk/diagnostics';
import { createInstrumentations, LOADED_ON_IMPORT_OF } from './instrumentation/factories';
import { splitByHookCopy } from './instrumentation/hook-copies';
import { createOnFirstImport } from './instrumentation/on-first-import';
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
import { installShutdownHooks, withTimeout } from './sdk/shutdown';

interface RunningSdk {
  readonly config: BootstrapConfig;
  readonly deferred: DeferredDecisionProcessor | undefined;
  shutdown(): Promise<void>;
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
  if (sdk) await withTimeout(sdk.shutdown(), sdk.config.shutdownTimeoutMs);
}

/**
 * Counters of the error- and latency-aware buffer (traces pending, spans buffered, kept, dropped, evicted, expired),
 * or undefined when tracing is off or nothing is decided after the fact.
 */
export function deferredDecisionStats(): DeferredDecisionStats | undefined {
  return running?.deferred?.stats();
}

function startSdk(): RunningSdk | undefined {
  // Configuration: one read of the environment, its warnings printed by our logger, which prints a repeated
  // failure once a minute.
  const { config, warnings } = readConfig();
  if (config.sdkDisabled) return undefined;
  installDiagLogger(config.logLevel);
  for (const warning of warnings) diag.warn(warning.message);

  // Export: OTLP/HTTP (or the terminal tree while no collector answers) behind the stock batch processor, which
  // drops (rather than queues) past its bound.
  const batch = new BatchSpanProcessor({ exporter: createTraceExporter(config), ...config.bsp });

  // Sampling: rules and ratios at the head; errors and slow traces kept after the fact, in front of the batch.
  const attributes = resourceAttributes(config);
  const sampling = createSampling(config, attributes['service.name']);
  for (const warning of sampling.warnings) diag.warn(warning);
  const deferred = sampling.deferral ? new DeferredDecisionProcessor(batch, sampling.deferral) : undefined;

  // Redaction: secrets are scrubbed as each span ends, before the buffer or the batch ever holds it.
  const processor = config.redact.enabled
    ? new RedactingSpanProcessor(deferred ?? batch, new RedactionRules(config.redact))
    : (deferred ?? batch);

  // Instrumentation: only the libraries we support, each loaded only when enabled; most only once the app imports
  // their library.
  const reportLoadFailure = (name: InstrumentationName, error: unknown) =>
    diag.warn(`instrumentation "${name}" could not be loaded and is skipped: ${String(error)}`);
  const { atStartup, onImport } = splitByHookCopy(
    config.instrumentations.filter((name) => !config.lazyInstrumentations || !LOADED_ON_IMPORT_OF[name]),
    config.lazyInstrumentations ? config.instrumentations.filter((name) => LOADED_ON_IMPORT_OF[name]) : [],
    config,
  );
  const instrumentations = createInstrumentations(atStartup, config, reportLoadFailure);
  watchPatches(instrumentations);

  // SDK: resource, propagation, sampling and the processor chain; no metrics or logs pipelines.
  const sdk = installSdk({
    envAttributes: config.resourceAttributes,
    attributes,
    detectors: resourceDetectors(config),
    propagator: config.propagators.length > 0 ? compositeOf(createPropagators(config.propagators)) : undefined,
    sampler: sampling.sampler,
    spanLimits: config.spanLimits,
    spanProcessor: processor,
    instrumentations,
    unsampledChildrenWithoutSdk: decidesUnsampledChildrenAlike(sampling.sampler),
  });

  // Started after the SDK, so the instrumentations created later find its tracer provider already in place.
  const stopLazyLoading = createOnFirstImport(
    onImport.map((name) => ({ name, packages: LOADED_ON_IMPORT_OF[name]! })),
    (name) => watchPatches(createInstrumentations([name], config, reportLoadFailure)),
  );

  // Shutdown: flush on SIGTERM, SIGINT and beforeExit without changing how the process ends.
  const removeHooks = installShutdownHooks(() => processor.forceFlush(), config.shutdownTimeoutMs);
  return {
    config,
    deferred,
    shutdown: async () => {
      removeHooks();
      stopLazyLoading();
      sampling.stop();
      await sdk.shutdown();
    },
  };
}
