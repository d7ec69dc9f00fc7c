import { createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

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

const EXTERNAL_TRACE_ID = createContextKey('otel-bootstrap external trace id');

/**
 * `context` naming the trace id for the root span started under it: a caller who gave us only a trace id (an
 * `X-Trace-ID` header, a job's correlation id) has no span id and made no sampling decision, so the span that continues
 * it is a root of its own, with no parent (a stand-in parent id showed in Jaeger as a parent that never arrived), and
 * is sampled by the rules as any root is. The SDK's tracer provider reads it (sdk/random-trace-flag.ts). Spans with a
 * valid parent, and spans started with `root: true`, ignore it.
 */
export function setExternalTraceId(context: Context, traceId: string): Context {
  return context.setValue(EXTERNAL_TRACE_ID, traceId);
}

/** The trace id {@link setExternalTraceId} put into the context, if any. */
export function getExternalTraceId(context: Context): string | undefined {
  const traceId = context.getValue(EXTERNAL_TRACE_ID);
  return typeof traceId === 'string' ? traceId : undefined;
}
