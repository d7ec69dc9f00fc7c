const HEX32 = /^[0-9a-f]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A trace id from outside (an `X-Trace-ID` header, a job's correlation id), or undefined. Only 32 hex digits or a UUID
 * qualify; `550e8400-e29b-41d4-a716-446655440000` becomes `550e8400e29b41d4a716446655440000`. Anything else, including
 * all zeros, oversized values and values with control characters, is rejected whole, so it never reaches a span or a log.
 */
export function externalTraceId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 36) return undefined;
  if (!HEX32.test(value) && !UUID.test(value)) return undefined;
  const id = value.replace(/-/g, '').toLowerCase();
  return /^0+$/.test(id) ? undefined : id;
}

/** A span id to stand for the caller that gave us a trace id but no span id: derived from it, never all zeros. */
export function standInSpanId(traceId: string): string {
  const id = traceId.slice(16);
  return /^0+$/.test(id) ? '0000000000000001' : id;
}
