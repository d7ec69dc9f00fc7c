import { propagation, trace, TraceFlags } from '@opentelemetry/api';
import type {
  Baggage,
  Context,
  SpanContext,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { isValidSpanContext } from './valid-span-context';

const TRACE_HEADER = 'uber-trace-id';
const BAGGAGE_PREFIX = 'uberctx-';

// Jaeger's flags byte: bit 1 is "sampled", bit 2 is "debug", which Jaeger sets only on sampled traces.
const SAMPLED = 0x01;
const DEBUG = 0x02;

// `{trace-id}:{span-id}:{parent-span-id}:{flags}` in hex: a 64- or 128-bit trace id, 64-bit span and parent ids, one
// flags byte. Senders may drop leading zeros, so every field is "up to" its width.
const UBER_TRACE_ID = /^([0-9a-f]{1,32}):([0-9a-f]{1,16}):([0-9a-f]{1,16}):([0-9a-f]{1,2})$/i;
const ENCODED_COLON = /%3a/gi;
// The longest valid value, with its three separators URL-encoded: anything longer is rejected before any work.
const MAX_HEADER_LENGTH = 32 + 16 + 16 + 2 + 3 * '%3A'.length;

// Header names are HTTP tokens (RFC 9110): Node's http throws ERR_INVALID_HTTP_TOKEN into the app on anything else.
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/**
 * `OTEL_PROPAGATORS=jaeger`: Jaeger's own wire format, for services still on Jaeger's (retired) client libraries.
 *
 * - `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`, plain or URL-encoded (`%3A` separators), as some
 *   clients send it. Ids without their leading zeros are padded; a 64-bit trace id becomes the low half of ours.
 *   Inject always writes full-width ids, a parent id of `0` (the field is deprecated) and flags `01` or `00`.
 * - Jaeger's debug flag has no OpenTelemetry counterpart: a debug trace is taken as sampled, and not forwarded as debug.
 * - Baggage travels as one `uberctx-{key}: {value}` header per entry, the value URL-encoded. Extracted entries join the
 *   context's OpenTelemetry Baggage; inject writes every Baggage entry whose key can be a header name.
 * - A header we cannot read (wrong field count, not hex, too long, an all-zero id) is ignored whole: extract returns
 *   the context it was given. Neither direction throws.
 *
 * Written from Jaeger's documented format rather than taken from `@opentelemetry/propagator-jaeger`, whose releases
 * depend on an older `@opentelemetry/core` and a narrower `@opentelemetry/api` range than ours.
 */
export class JaegerPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isValidSpanContext(spanContext)) {
      setter.set(carrier, TRACE_HEADER, formatUberTraceId(spanContext));
    }
    for (const [key, entry] of propagation.getBaggage(context)?.getAllEntries() ?? []) {
      const value = encodeBaggageValue(entry.value);
      if (value !== undefined && HTTP_TOKEN.test(key)) setter.set(carrier, BAGGAGE_PREFIX + key, value);
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    if (carrier === null || carrier === undefined) return context;
    const spanContext = parseUberTraceId(first(getter.get(carrier, TRACE_HEADER)));
    const withSpan = spanContext ? trace.setSpanContext(context, spanContext) : context;
    const baggage = extractBaggage(context, carrier, getter);
    return baggage ? propagation.setBaggage(withSpan, baggage) : withSpan;
  }

  fields(): string[] {
    // Baggage headers are named after their keys, so they cannot be listed in advance.
    return [TRACE_HEADER];
  }
}

function formatUberTraceId(spanContext: SpanContext): string {
  const flags = spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  return `${spanContext.traceId}:${spanContext.spanId}:0:${flags}`;
}

/** The remote parent in an `uber-trace-id` value, or undefined when the value is not one. */
function parseUberTraceId(header: string | undefined): SpanContext | undefined {
  const value = header?.trim();
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  const match = UBER_TRACE_ID.exec(value.replace(ENCODED_COLON, ':'));
  if (!match) return undefined;
  const [, traceId, spanId, , flags] = match;
  const spanContext: SpanContext = {
    traceId: traceId.padStart(32, '0').toLowerCase(),
    spanId: spanId.padStart(16, '0').toLowerCase(),
    traceFlags: parseInt(flags, 16) & (SAMPLED | DEBUG) ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  return isValidSpanContext(spanContext) ? spanContext : undefined;
}

/** The context's Baggage with the `uberctx-` entries added, or undefined when the carrier has none. */
function extractBaggage(context: Context, carrier: unknown, getter: TextMapGetter): Baggage | undefined {
  let baggage: Baggage | undefined;
  for (const header of getter.keys(carrier)) {
    if (header.length <= BAGGAGE_PREFIX.length) continue;
    if (header.slice(0, BAGGAGE_PREFIX.length).toLowerCase() !== BAGGAGE_PREFIX) continue;
    const value = first(getter.get(carrier, header));
    if (value === undefined) continue;
    baggage = (baggage ?? propagation.getBaggage(context) ?? propagation.createBaggage()).setEntry(
      header.slice(BAGGAGE_PREFIX.length),
      { value: decodeBaggageValue(value) },
    );
  }
  return baggage;
}

/**
 * Jaeger's clients URL-encode baggage values over HTTP: Go's and Java's as form values (`+` for a space), the others
 * with `%20`, and both encode a literal `+`. So `+` reads as a space. A value that is not valid URL encoding came from
 * a carrier that does not encode (Jaeger's TEXT_MAP format), and is kept as sent.
 */
function decodeBaggageValue(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** The value URL-encoded, or undefined for a string that cannot be (one with a lone surrogate). */
function encodeBaggageValue(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : undefined;
}
