import type { BootstrapConfig, MetricsConfig } from '../config/read-config';
import { checkSignalEndpoint } from './endpoint-check';
import type { SignalName, SignalTarget, StepResult } from './endpoint-check';

/** What `doctor` says of one signal: what apps do with it, and whether its OTLP endpoint answers. */
export interface SignalReport {
  readonly signal: SignalName;
  /** The exporter and where it sends, e.g. `otlp → http://localhost:4318/v1/metrics (http/protobuf)`. */
  readonly exporter: string;
  /** The endpoint's answer to an empty export; absent when the signal sends nothing over OTLP. */
  readonly check?: StepResult;
}

/**
 * Describes the three signals and checks the OTLP endpoints of metrics and logs (each with an empty, valid export
 * request, as for traces). `tracesCheck` is the traces endpoint step, already run: it is not repeated.
 */
export async function checkSignals(
  config: BootstrapConfig,
  tracesCheck: StepResult,
  timeoutMs: number,
): Promise<SignalReport[]> {
  const { metrics, logs } = config;
  const otlpMetrics = metrics.exporters.includes('otlp');
  const target = (signal: SignalName, otlp: BootstrapConfig['logs']['otlp']): SignalTarget => ({ signal, ...otlp });
  const [metricsCheck, logsCheck] = await Promise.all([
    otlpMetrics ? checkSignalEndpoint(target('metrics', metrics.otlp), timeoutMs) : undefined,
    logs.exporter === 'otlp' ? checkSignalEndpoint(target('logs', logs.otlp), timeoutMs) : undefined,
  ]);
  const traces = config.export;
  return [
    {
      signal: 'traces',
      exporter: traces.exporter === 'otlp' ? `otlp → ${traces.tracesUrl} (${traces.protocol})` : `${traces.exporter}`,
      check: tracesCheck,
    },
    { signal: 'metrics', exporter: metricsLine(metrics), check: metricsCheck },
    { signal: 'logs', exporter: logsLine(logs), check: logsCheck },
  ];
}

function logsLine(logs: BootstrapConfig['logs']): string {
  if (logs.exporter === 'none') return 'none (OTEL_LOGS_EXPORTER=none): no log records leave apps';
  if (logs.exporter === 'console') return 'console: apps print log records on stdout';
  return `otlp → ${logs.otlp.url} (${logs.otlp.protocol}), from pino, winston and the logs API`;
}

function metricsLine(metrics: MetricsConfig): string {
  if (metrics.exporters.length === 0) return 'none (OTEL_METRICS_EXPORTER=none): apps record no metrics';
  const every = `every ${metrics.exportIntervalMillis / 1000} s`;
  return metrics.exporters
    .map((name) => {
      if (name === 'otlp') return `otlp → ${metrics.otlp.url} (${metrics.otlp.protocol}), ${every}`;
      if (name === 'prometheus')
        return `prometheus: scrape http://${metrics.prometheus.host}:${metrics.prometheus.port}/metrics`;
      return `console: printed on stdout ${every}`;
    })
    .join('; ');
}

/** The first signal whose endpoint did not answer, if any. */
export function failedSignal(signals: readonly SignalReport[]): SignalReport | undefined {
  return signals.find((signal) => signal.signal !== 'traces' && signal.check?.ok === false);
}
