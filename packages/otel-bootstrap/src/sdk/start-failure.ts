let reported = false;

/**
 * Says once on stderr that tracing could not start and that the app runs without it. Written directly rather than
 * through OTel's diag logger, which may not be installed yet when startup fails.
 */
export function reportStartFailure(error: unknown): void {
  if (reported) return;
  reported = true;
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`[otel-bootstrap] error: tracing could not start, the app runs without it: ${detail}\n`);
}
