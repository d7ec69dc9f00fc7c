import { diag, logs } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LogsConfig } from '../config/read-config';
import { abandonPending } from '../export/abandon-pending';

/** The running logs pipeline, as start.ts drives it at exit. */
export interface RunningLogs {
  /** Exports every record emitted so far, and waits for the exports in flight. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the pipeline. */
  shutdown(): Promise<void>;
  /** Gives up at once on the exports still waiting on the collector (what the exit flush does when its time is up). */
  abandon(): void;
}

type SdkLogs = typeof import('@opentelemetry/sdk-logs');

/**
 * Starts the logs pipeline OTEL_LOGS_EXPORTER asks for and registers its LoggerProvider as the global one of
 * `@opentelemetry/api`, where the pino and winston instrumentations (and any app code using the logs API) emit:
 * - `otlp`: redaction (the spans' rules; see redaction/log-record-redaction.ts), then the stock
 *   BatchLogRecordProcessor (OTEL_BLRP_*), then OTLP/HTTP over the trace exporter's transport;
 * - `console`: redaction, then each record printed on stdout as it is emitted, as upstream's sdk-node does;
 * - `none`: nothing, and undefined is returned.
 *
 * `@opentelemetry/sdk-logs` is required here, only when logs are on. Never throws: a pipeline that cannot start is
 * reported once and the app runs without it.
 */
export function startLogs(config: LogsConfig, resource: Resource): RunningLogs | undefined {
  if (config.exporter === 'none') return undefined;
  try {
    return startPipeline(config, resource);
  } catch (error) {
    diag.error('the logs pipeline could not start; no log records are exported', error);
    return undefined;
  }
}

function startPipeline(config: LogsConfig, resource: Resource): RunningLogs {
  const sdkLogs = require('@opentelemetry/sdk-logs') as SdkLogs;
  const { exporter, processor: last } = exportStage(config, sdkLogs);
  const processor = redactionStage(config, last);
  const provider = new sdkLogs.LoggerProvider({ resource, processors: [processor] });
  if (!logs.setGlobalLoggerProvider(provider)) {
    diag.warn('a global LoggerProvider was already registered; the bootstrap exports no log records');
    void provider.shutdown().catch(() => undefined);
    return { forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve(), abandon: () => undefined };
  }
  return {
    // The batch processor's flush settles at its first failed batch, with others still on their way: the exporter's
    // own flush waits for those.
    forceFlush: async () => {
      await provider.forceFlush().catch(() => undefined);
      await exporter.forceFlush().catch(() => undefined);
    },
    shutdown: () => provider.shutdown().catch(() => undefined),
    abandon: () => abandonPending(exporter),
  };
}

/** The exporter, and the processor that hands it records: batched for OTLP, one by one for the console. */
function exportStage(
  config: LogsConfig,
  sdkLogs: SdkLogs,
): { exporter: LogRecordExporter; processor: LogRecordProcessor } {
  if (config.exporter === 'console') {
    const exporter = new sdkLogs.ConsoleLogRecordExporter();
    return { exporter, processor: new sdkLogs.SimpleLogRecordProcessor({ exporter }) };
  }
  // The OTLP transport and serializers load on the first export, not on the app's startup path.
  const { LazyExporter } = require('../export/LazyExporter') as typeof import('../export/LazyExporter');
  const { processorExportTimeout, reportedAsLogs } =
    require('./log-export-results') as typeof import('./log-export-results');
  const lazy = new LazyExporter<ReadableLogRecord>(() => {
    const { createOtlpLogExporter } =
      require('./create-otlp-log-exporter') as typeof import('./create-otlp-log-exporter');
    return createOtlpLogExporter(config.otlp);
  });
  const { batch } = config;
  // Every failure of the batches the processor hands on is reported as a log export's, its timeout included.
  const exporter = reportedAsLogs(lazy, batch.exportTimeoutMillis);
  const processor = new sdkLogs.BatchLogRecordProcessor({
    exporter,
    scheduledDelayMillis: batch.scheduledDelayMillis,
    exportTimeoutMillis: processorExportTimeout(batch.exportTimeoutMillis),
    maxQueueSize: batch.maxQueueSize,
    maxExportBatchSize: batch.maxExportBatchSize,
  });
  return { exporter, processor };
}

/** Redaction in front of the export, as for spans: no processor after it ever holds an unscrubbed record. */
function redactionStage(config: LogsConfig, next: LogRecordProcessor): LogRecordProcessor {
  if (!config.redaction.enabled) return next;
  const { RedactingLogRecordProcessor } =
    require('../redaction/RedactingLogRecordProcessor') as typeof import('../redaction/RedactingLogRecordProcessor');
  const { RedactionRules } = require('../redaction/redaction-rules') as typeof import('../redaction/redaction-rules');
  return new RedactingLogRecordProcessor(next, new RedactionRules(config.redaction));
}
