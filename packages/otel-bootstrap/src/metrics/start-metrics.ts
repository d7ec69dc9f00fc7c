import { diag, metrics } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import type { MetricsConfig } from '../config/read-config';
import { installAttributeSetHashes } from './attribute-set-hashes';
import { createMetricReaders } from './create-metric-readers';

/** The running metrics pipeline, as start.ts drives it. */
export interface RunningMetrics {
  /** The global MeterProvider (with exemplars, unless they are off): what registerInstrumentations hands out. */
  readonly meterProvider: MeterProvider;
  /** Instrumentations that only make metrics (the runtime's), to register with the others. */
  readonly instrumentations: Instrumentation[];
  /** Collects and exports what was recorded since the last export, and waits for it. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the readers (and the Prometheus endpoint). Never rejects. */
  shutdown(): Promise<void>;
  /** Gives up at once on the OTLP sends still waiting on the collector. */
  abandon(): void;
}

type SdkMetrics = typeof import('@opentelemetry/sdk-metrics');

/**
 * Starts the metrics pipeline OTEL_METRICS_EXPORTER asks for and registers its MeterProvider as the global one of
 * `@opentelemetry/api`. Call it before any instrumentation is created: the API keeps no proxy for metrics (unlike
 * traces), so a meter taken from the global before this stays a no-op for good.
 *
 * `@opentelemetry/sdk-metrics` (and each exporter's package) is required here, only when metrics are on; with
 * `none`, undefined is returned and nothing is loaded. Never throws: a pipeline that cannot start is reported once
 * and the app runs without metrics.
 */
export function startMetrics(config: MetricsConfig, resource: Resource): RunningMetrics | undefined {
  if (config.exporters.length === 0) return undefined;
  try {
    return startPipeline(config, resource);
  } catch (error) {
    diag.error('the metrics pipeline could not start; no metrics are exported', error);
    return undefined;
  }
}

function startPipeline(config: MetricsConfig, resource: Resource): RunningMetrics | undefined {
  const sdkMetrics = require('@opentelemetry/sdk-metrics') as SdkMetrics;
  if (!installAttributeSetHashes(require.resolve('@opentelemetry/sdk-metrics'))) {
    diag.debug('sdk-metrics has no utils.cjs hashAttributes to replace; every measurement is hashed as upstream does');
  }
  // Exemplars: sdk-metrics 3.1 keeps none, so our store takes them from the histograms the wrapper below sees.
  const store = exemplarStore(config);
  const { readers, abandon } = createMetricReaders(config, store, sdkMetrics);
  const provider = new sdkMetrics.MeterProvider({ resource, readers });
  const meterProvider = store ? withExemplarsOf(provider, store) : provider;
  if (!metrics.setGlobalMeterProvider(meterProvider)) {
    diag.warn('a global MeterProvider was already registered; the bootstrap exports no metrics');
    void provider.shutdown().catch(() => undefined);
    return undefined;
  }
  return {
    meterProvider,
    instrumentations: config.runtimeMetrics ? runtimeInstrumentations() : [],
    forceFlush: () => provider.forceFlush().catch((error) => diag.debug('metrics flush failed', error)),
    shutdown: () => provider.shutdown().catch((error) => diag.debug('metrics shutdown failed', error)),
    abandon,
  };
}

function exemplarStore(config: MetricsConfig) {
  if (config.exemplarFilter === 'always_off' || !config.exporters.includes('otlp')) return undefined;
  const { ExemplarStore } = require('./exemplars/ExemplarStore') as typeof import('./exemplars/ExemplarStore');
  return new ExemplarStore(config.exemplarFilter);
}

function withExemplarsOf(provider: MeterProvider, store: NonNullable<ReturnType<typeof exemplarStore>>) {
  const { withExemplars } = require('./exemplars/with-exemplars') as typeof import('./exemplars/with-exemplars');
  return withExemplars(provider, store);
}

/**
 * Event loop, GC and heap metrics from upstream's instrumentation (nodejs.eventloop.*, v8js.*), rather than our
 * own collectors. A failure to load it costs the runtime metrics only.
 */
function runtimeInstrumentations(): Instrumentation[] {
  try {
    const { RuntimeNodeInstrumentation } =
      require('@opentelemetry/instrumentation-runtime-node') as typeof import('@opentelemetry/instrumentation-runtime-node');
    return [new RuntimeNodeInstrumentation()];
  } catch (error) {
    diag.warn(`runtime metrics could not be loaded and are skipped: ${String(error)}`);
    return [];
  }
}
