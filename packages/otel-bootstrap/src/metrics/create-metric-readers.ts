import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { MetricExporterName, MetricsConfig } from '../config/read-config';
import type { ExemplarStore } from './exemplars/ExemplarStore';
import { quietWithoutCollector } from './quiet-without-collector';

type SdkMetrics = typeof import('@opentelemetry/sdk-metrics');

/** The readers of the MeterProvider, and how to give up on the sends still pending at exit. */
export interface MetricReaders {
  readonly readers: MetricReader[];
  /** Ends every OTLP send still waiting on the collector (its requests and retries). Never throws. */
  abandon(): void;
}

/**
 * One reader per exporter OTEL_METRICS_EXPORTER names:
 * - `otlp`: a PeriodicExportingMetricReader over our OTLP/HTTP exporter, which adds `store`'s exemplars
 *   (exemplars/create-otlp-metric-exporter.ts);
 * - `console`: a PeriodicExportingMetricReader over upstream's ConsoleMetricExporter;
 * - `prometheus`: upstream's PrometheusExporter, a pull reader serving `/metrics` on host:port (its server is
 *   unref'd upstream, so it never keeps a finished app alive; a port in use is reported through diag).
 *
 * Each exporter's package is required only when it is named.
 */
export function createMetricReaders(
  config: MetricsConfig,
  store: ExemplarStore | undefined,
  sdkMetrics: SdkMetrics,
): MetricReaders {
  const abandons: (() => void)[] = [];
  const periodic = (exporter: PushMetricExporter) =>
    new sdkMetrics.PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: config.exportIntervalMillis,
      exportTimeoutMillis: config.exportTimeoutMillis,
    });
  const create: Record<MetricExporterName, () => MetricReader> = {
    otlp: () => {
      const { createOtlpMetricExporter } =
        require('./exemplars/create-otlp-metric-exporter') as typeof import('./exemplars/create-otlp-metric-exporter');
      const exporter = createOtlpMetricExporter(
        { ...config.otlp, headers: { ...config.otlp.headers }, temporalityPreference: config.temporalityPreference },
        store,
      );
      abandons.push(() => exporter.abandon());
      return periodic(config.quietWithoutCollector ? quietWithoutCollector(exporter, config.otlp.url) : exporter);
    },
    console: () => periodic(new sdkMetrics.ConsoleMetricExporter()),
    prometheus: () => {
      const { PrometheusExporter } =
        require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
      return new PrometheusExporter({ host: config.prometheus.host, port: config.prometheus.port });
    },
  };
  return {
    readers: config.exporters.map((name) => create[name]()),
    abandon: () => {
      for (const abandon of abandons) {
        try {
          abandon();
        } catch {
          // Giving up is best effort: the process is ending anyway.
        }
      }
    },
  };
}
