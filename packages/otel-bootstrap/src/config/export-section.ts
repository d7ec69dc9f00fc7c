import type { ConfigWarning } from './config-warning';
import { otlpTlsFiles } from './otlp-signal';
import type { OtlpTlsFiles } from './otlp-signal';
import type { ConfigValues } from './read-env';

/** Where finished spans go and how: what export/ and the batch span processor read. */
export interface ExportConfig {
  /** OTEL_TRACES_EXPORTER, with `console` read as `terminal` and unset as `otlp`. */
  readonly exporter: 'otlp' | 'terminal' | 'none';
  /** Print traces in the terminal while no collector answers: nobody chose an exporter or an endpoint. */
  readonly terminalFallback: boolean;
  readonly tracesUrl: string;
  /** OTEL_EXPORTER_OTLP_TRACES_HEADERS merged over OTEL_EXPORTER_OTLP_HEADERS. */
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: NonNullable<ConfigValues['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']>;
  readonly protobufEncoder: ConfigValues['OTEL_BOOTSTRAP_PROTOBUF_ENCODER'];
  readonly timeoutMs: number;
  /** The TLS files of OTEL_EXPORTER_OTLP_TRACES_* over OTEL_EXPORTER_OTLP_*, for an https endpoint. */
  readonly tls?: OtlpTlsFiles;
  /** The batch span processor's options, as BatchSpanProcessor names them. */
  readonly batch: {
    readonly scheduledDelayMillis: number;
    readonly exportTimeoutMillis: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
}

export function exportSection(
  values: ConfigValues,
  isSet: (key: string) => boolean,
  warnings: ConfigWarning[],
): ExportConfig {
  const exporter = values.OTEL_TRACES_EXPORTER;
  return {
    exporter: exporter === 'console' ? 'terminal' : (exporter ?? 'otlp'),
    // A production service whose collector is down must not start writing trees into its logs.
    terminalFallback:
      exporter === undefined &&
      values.NODE_ENV !== 'production' &&
      !isSet('OTEL_EXPORTER_OTLP_ENDPOINT') &&
      !isSet('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
    tracesUrl: tracesUrl(values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, values.OTEL_EXPORTER_OTLP_ENDPOINT),
    headers: { ...values.OTEL_EXPORTER_OTLP_HEADERS, ...values.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    protocol: values.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? values.OTEL_EXPORTER_OTLP_PROTOCOL,
    protobufEncoder: values.OTEL_BOOTSTRAP_PROTOBUF_ENCODER,
    timeoutMs: values.OTEL_EXPORTER_OTLP_TIMEOUT,
    tls: otlpTlsFiles(values, 'TRACES'),
    batch: {
      scheduledDelayMillis: values.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: values.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: values.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: batchSize(values, warnings),
    },
  };
}

/** OTEL_BSP_MAX_EXPORT_BATCH_SIZE, capped at the queue size. */
function batchSize(values: ConfigValues, warnings: ConfigWarning[]): number {
  const maxQueueSize = values.OTEL_BSP_MAX_QUEUE_SIZE;
  const maxExportBatchSize = values.OTEL_BSP_MAX_EXPORT_BATCH_SIZE;
  if (maxExportBatchSize <= maxQueueSize) return maxExportBatchSize;
  warnings.push({
    key: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    message:
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is invalid: expected at most ` +
      `OTEL_BSP_MAX_QUEUE_SIZE (${maxQueueSize}); using ${maxQueueSize}.`,
  });
  return maxQueueSize;
}

function tracesUrl(signalSpecific: string | undefined, base: string): string {
  if (signalSpecific) return signalSpecific;
  return base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
}
