import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { abandonPending } from '../export/abandon-pending';
import type { AbandoningLogRecordExporter } from './create-otlp-log-exporter';
import { markedAsLogs } from './LogExportError';

/** Node's longest timer delay: a longer one fires at once (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** How much later than the exporter's own deadline the BatchLogRecordProcessor's fires: only if ours never did. */
const PROCESSOR_DEADLINE_MARGIN_MS = 1000;

/**
 * `exporter` as the BatchLogRecordProcessor is to see it: each failed export's error is a LogExportError, whatever
 * failed, so that the global error handler's line names log records, not spans (sdk/diagnostics.ts). The OTLP log
 * exporter marks its own failures (create-otlp-log-exporter.ts); two failures never go through it:
 * - the LazyExporter in front of it could not build it, and reports the build's error;
 * - the batch took longer than OTEL_BLRP_EXPORT_TIMEOUT. The processor's own timeout hands the error handler a bare
 *   `Error('Timeout')`, as the span processor's does, so the two cannot be told apart: this exporter keeps that
 *   deadline itself, and the processor is given a later one ({@link processorExportTimeout}) as a backstop.
 */
export function reportedAsLogs(exporter: LogRecordExporter, exportTimeoutMillis: number): AbandoningLogRecordExporter {
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
      let settled = false;
      const settle = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done(markedAsLogs(result));
      };
      // Unref'd: the processor's own (ref'd) timer already keeps the process alive while a batch is out, no longer.
      const timer = setTimeout(() => settle(timedOut(exportTimeoutMillis)), timerDelay(exportTimeoutMillis));
      (timer as { unref?: () => unknown }).unref?.();
      try {
        exporter.export(records, settle);
      } catch (error) {
        settle({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    abandon: () => abandonPending(exporter),
  };
}

/** The BatchLogRecordProcessor's export timeout, next to an exporter made by {@link reportedAsLogs}. */
export function processorExportTimeout(exportTimeoutMillis: number): number {
  return timerDelay(exportTimeoutMillis + PROCESSOR_DEADLINE_MARGIN_MS);
}

function timedOut(exportTimeoutMillis: number): ExportResult {
  const reason = `Timeout: not exported within OTEL_BLRP_EXPORT_TIMEOUT (${exportTimeoutMillis} ms)`;
  return { code: ExportResultCode.FAILED, error: new Error(reason) };
}

function timerDelay(millis: number): number {
  return Math.min(millis, LONGEST_TIMER_MS);
}
