import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';

/**
 * Why an OTLP log export failed, as the log exporter (and log-export-results.ts, for the failures that never reach
 * it) hands it to the BatchLogRecordProcessor. The processor passes it on to the SDK's global error handler, which
 * also gets every failed span export with no word of the signal: this class is how sdk/diagnostics.ts tells the two
 * apart. The message is the reason's own; the reason is the cause.
 */
export class LogExportError extends Error {
  override readonly name = 'LogExportError';

  constructor(reason: unknown) {
    super(messageOf(reason), { cause: reason });
  }
}

/**
 * `result`, its error a {@link LogExportError} if it failed. The BatchLogRecordProcessor hands a failed export's error
 * to the SDK's global error handler as it is, and that handler gets the span processor's failures too: the error must
 * say it was a log export's. An error marked already is kept as it is.
 */
export function markedAsLogs(result: ExportResult): ExportResult {
  if (result.code === ExportResultCode.SUCCESS || result.error instanceof LogExportError) return result;
  return { ...result, error: new LogExportError(result.error) };
}

/** Read as a property, not through `instanceof Error`: an error made in another realm (a vm context) is not one. */
function messageOf(reason: unknown): string {
  const message = (reason as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  return reason === undefined ? 'no reason given' : String(reason);
}
