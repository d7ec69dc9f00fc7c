import { trace } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed, parseTraceParent } from '@opentelemetry/core';
import { KNOWN_TRACE_FLAGS } from './trace-flags';
import { W3CTraceState } from './W3CTraceState';
import { isValidSpanContext } from './valid-span-context';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
/** Optional whitespace around a header value (HTTP strips it; other carriers may not). */
const OWS = /^[ \t]+|[ \t]+$/g;

/**
 * W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/), strict.
 * - `traceparent` is parsed by upstream's `parseTraceParent` (versions above 00 read as the spec says); a repeated
 *   header (an array, or Node's ", "-joined value) is invalid. Of the flags only sampled (0x01) and random-trace-id
 *   (0x02) are kept: the others are reserved and go out as 0. Upstream's inject wrote flags above 0x0f as three
 *   digits (`0ff`).
 * - `tracestate` follows Level 2's grammar ({@link W3CTraceState}). Upstream keeps the valid members of a malformed
 *   header and sends an empty `tracestate:` when none is left; the spec allows dropping the whole header on any
 *   invalid member, strict test suites expect it, and a header we cannot parse is not ours to forward. So one invalid
 *   member (or more than 32) drops the whole tracestate, and an empty one is never sent.
 */
export class StrictTraceContextPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || isTracingSuppressed(context) || !isValidSpanContext(spanContext)) return;
    const flags = (spanContext.traceFlags & KNOWN_TRACE_FLAGS).toString(16).padStart(2, '0');
    setter.set(carrier, TRACEPARENT, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    const traceState = spanContext.traceState?.serialize();
    if (traceState) setter.set(carrier, TRACESTATE, traceState);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, TRACEPARENT);
    const parsed = typeof header === 'string' ? parseTraceParent(header.replace(OWS, '')) : null;
    if (!parsed) return context;
    const raw = getter.get(carrier, TRACESTATE);
    const traceState = W3CTraceState.parse(Array.isArray(raw) ? raw.join(',') : (raw ?? ''));
    return trace.setSpanContext(context, {
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      traceFlags: parsed.traceFlags & KNOWN_TRACE_FLAGS,
      isRemote: true,
      traceState: traceState?.serialize() ? traceState : undefined,
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

/** Level 2: at most 32 list members, each `key=value` with the spec's characters; empty members allowed. */
export function isValidTraceState(header: string): boolean {
  return W3CTraceState.parse(header) !== undefined;
}
