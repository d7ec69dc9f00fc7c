/**
 * Why an OTLP log export failed, as the log exporter hands it to the BatchLogRecordProcessor. The processor passes
 * it on to the SDK's global error handler, which also gets every failed span export with no word of the signal: this
 * class is how sdk/diagnostics.ts tells the two apart. The message is the reason's own; the reason is the cause.
 */
export class LogExportError extends Error {
  override readonly name = 'LogExportError';

  constructor(reason: unknown) {
    super(messageOf(reason), { cause: reason });
  }
}

/** Read as a property, not through `instanceof Error`: an error made in another realm (a vm context) is not one. */
function messageOf(reason: unknown): string {
  const message = (reason as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  return reason === undefined ? 'no reason given' : String(reason);
}
