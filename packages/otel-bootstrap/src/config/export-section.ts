import type { ConfigWarning } from './config-warning';
import { otlpSignal } from './otlp-signal';
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
  /** OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, else OTEL_EXPORTER_OTLP_TIMEOUT. */
  readonly timeoutMs: number;
  /** OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, else OTEL_EXPORTER_OTLP_COMPRESSION. */
  readonly compression: 'gzip' | 'none';
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
  // Resolved as the metric and log exporters' settings are (otlp-signal.ts): the signal's own variables win.
  const otlp = otlpSignal(values, 'traces');
  return {
    exporter: exporter === 'console' ? 'terminal' : (exporter ?? 'otlp'),
    // A production service whose collector is down must not start writing trees into its logs.
    terminalFallback:
      exporter === undefined &&
      values.NODE_ENV !== 'production' &&
      !isSet('OTEL_EXPORTER_OTLP_ENDPOINT') &&
      !isSet('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
    tracesUrl: otlp.url,
    headers: otlp.headers,
    protocol: otlp.protocol,
    protobufEncoder: values.OTEL_BOOTSTRAP_PROTOBUF_ENCODER,
    timeoutMs: otlp.timeoutMillis,
    compression: otlp.compression,
    tls: otlp.tls,
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
