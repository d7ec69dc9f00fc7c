import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { externalTraceId, standInSpanId } from './external-trace-id';
import { EXTERNAL_ROOT } from './external-root';

const X_TRACE_ID = 'x-trace-id';
const X_REQUEST_ID = 'x-request-id';

/**
 * `OTEL_PROPAGATORS=tracecontext,baggage,xtraceid`: a bridge to services that still speak a legacy `X-Trace-ID`.
 *
 * - Inbound, only when no earlier propagator found a trace: an `X-Trace-ID` (else `X-Request-ID`) holding 32 hex
 *   digits or a UUID becomes the trace id, so the legacy caller's id is the trace's id end to end. Anything else is
 *   ignored whole: it never reaches a span or a log. The caller made no sampling decision, so the span that
 *   continues it is sampled as a root.
 * - Outbound: writes `X-Trace-ID` with the trace id, so old services log the same id.
 */
export class XTraceIdPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isSpanContextValid(spanContext)) setter.set(carrier, X_TRACE_ID, spanContext.traceId);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const existing = trace.getSpanContext(context);
    if (existing && isSpanContextValid(existing)) return context;
    const traceId = externalTraceId(getter.get(carrier, X_TRACE_ID) ?? getter.get(carrier, X_REQUEST_ID));
    if (!traceId) return context;
    return trace
      .setSpanContext(context, {
        traceId,
        spanId: standInSpanId(traceId),
        traceFlags: TraceFlags.NONE,
        isRemote: true,
      })
      .setValue(EXTERNAL_ROOT, true);
  }

  fields(): string[] {
    return [X_TRACE_ID];
  }
}
