import type { ConfigWarning } from './config-warning';
import { otlpSignal } from './otlp-signal';
import type { OtlpSignalConfig } from './otlp-signal';
import type { ConfigValues } from './read-env';
import type { RedactionConfig } from './sections';

/** What logs/ builds the LoggerProvider from. */
export interface LogsConfig {
  /** OTEL_LOGS_EXPORTER: its first entry (`none` anywhere turns logs off). */
  readonly exporter: 'otlp' | 'console' | 'none';
  readonly otlp: OtlpSignalConfig;
  /** The batch log record processor's options (OTEL_BLRP_*), as BatchLogRecordProcessor names them. */
  readonly batch: {
    readonly scheduledDelayMillis: number;
    readonly exportTimeoutMillis: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
  /** The spans' redaction rules, applied to log records too. */
  readonly redaction: RedactionConfig;
}

export function logsSection(values: ConfigValues, redaction: RedactionConfig, warnings: ConfigWarning[]): LogsConfig {
  return {
    exporter: logsExporter(values, warnings),
    otlp: otlpSignal(values, 'logs'),
    batch: {
      scheduledDelayMillis: values.OTEL_BLRP_SCHEDULE_DELAY,
      exportTimeoutMillis: values.OTEL_BLRP_EXPORT_TIMEOUT,
      maxQueueSize: values.OTEL_BLRP_MAX_QUEUE_SIZE,
      maxExportBatchSize: batchSize(values, warnings),
    },
    redaction,
  };
}

/** One exporter: the first listed, with a warning when more were; an empty list (all entries unknown) is `otlp`. */
function logsExporter(values: ConfigValues, warnings: ConfigWarning[]): LogsConfig['exporter'] {
  const listed = [...new Set(values.OTEL_LOGS_EXPORTER)];
  if (listed.includes('none')) return 'none';
  const first = listed[0] ?? 'otlp';
  if (listed.length > 1) {
    warnings.push({
      key: 'OTEL_LOGS_EXPORTER',
      message: `OTEL_LOGS_EXPORTER="${listed.join(',')}" names more than one exporter: expected one; using "${first}".`,
    });
  }
  return first;
}

/** OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, capped at the queue size. */
function batchSize(values: ConfigValues, warnings: ConfigWarning[]): number {
  const maxQueueSize = values.OTEL_BLRP_MAX_QUEUE_SIZE;
  const maxExportBatchSize = values.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE;
  if (maxExportBatchSize <= maxQueueSize) return maxExportBatchSize;
  warnings.push({
    key: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
    message:
      `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is invalid: expected at most ` +
      `OTEL_BLRP_MAX_QUEUE_SIZE (${maxQueueSize}); using ${maxQueueSize}.`,
  });
  return maxQueueSize;
}
