import type { ConfigWarning } from './config-warning';
import { otlpSignal } from './otlp-signal';
import type { OtlpSignalConfig } from './otlp-signal';
import type { ConfigValues } from './read-env';

/** A metric exporter OTEL_METRICS_EXPORTER names. */
export type MetricExporterName = 'otlp' | 'prometheus' | 'console';

/** What metrics/ builds the MeterProvider and its readers from. */
export interface MetricsConfig {
  /** OTEL_METRICS_EXPORTER without duplicates; empty when metrics are off (`none`). */
  readonly exporters: readonly MetricExporterName[];
  readonly otlp: OtlpSignalConfig;
  readonly temporalityPreference: ConfigValues['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'];
  /** OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT, as PeriodicExportingMetricReader names them; the timeout is at most the interval. */
  readonly exportIntervalMillis: number;
  readonly exportTimeoutMillis: number;
  readonly exemplarFilter: ConfigValues['OTEL_METRICS_EXEMPLAR_FILTER'];
  readonly prometheus: { readonly host: string; readonly port: number };
  readonly runtimeMetrics: boolean;
  /**
   * Nobody chose a trace exporter or an endpoint, outside production (the traces' terminal fallback): a collector
   * that does not answer is expected, so failed OTLP metric exports are said once, not every interval.
   */
  readonly quietWithoutCollector: boolean;
}

export function metricsSection(
  values: ConfigValues,
  isSet: (key: string) => boolean,
  warnings: ConfigWarning[],
): MetricsConfig {
  const listed = values.OTEL_METRICS_EXPORTER;
  const exporters = listed.includes('none') ? [] : [...new Set(listed as readonly MetricExporterName[])];
  return {
    exporters,
    otlp: otlpSignal(values, 'metrics'),
    temporalityPreference: values.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
    exportIntervalMillis: values.OTEL_METRIC_EXPORT_INTERVAL,
    exportTimeoutMillis: exportTimeout(values, isSet, warnings),
    exemplarFilter: values.OTEL_METRICS_EXEMPLAR_FILTER,
    prometheus: { host: values.OTEL_EXPORTER_PROMETHEUS_HOST, port: values.OTEL_EXPORTER_PROMETHEUS_PORT },
    runtimeMetrics: values.OTEL_BOOTSTRAP_RUNTIME_METRICS,
    quietWithoutCollector:
      values.OTEL_TRACES_EXPORTER === undefined &&
      !isSet('OTEL_METRICS_EXPORTER') &&
      values.NODE_ENV !== 'production' &&
      !isSet('OTEL_EXPORTER_OTLP_ENDPOINT') &&
      !isSet('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'),
  };
}

/**
 * OTEL_METRIC_EXPORT_TIMEOUT, lowered to the interval: sdk-metrics' PeriodicExportingMetricReader throws when the
 * timeout is longer, which would cost the app its metrics over a setting. Only a timeout someone set is worth a
 * warning: a short interval under the default timeout is what a test or a demo asks for.
 */
function exportTimeout(values: ConfigValues, isSet: (key: string) => boolean, warnings: ConfigWarning[]): number {
  const interval = values.OTEL_METRIC_EXPORT_INTERVAL;
  const timeout = values.OTEL_METRIC_EXPORT_TIMEOUT;
  if (timeout <= interval) return timeout;
  if (!isSet('OTEL_METRIC_EXPORT_TIMEOUT')) return interval;
  warnings.push({
    key: 'OTEL_METRIC_EXPORT_TIMEOUT',
    message:
      `OTEL_METRIC_EXPORT_TIMEOUT=${timeout} is invalid: expected at most OTEL_METRIC_EXPORT_INTERVAL (${interval}); ` +
      `using ${interval}.`,
  });
  return interval;
}
