import { trace } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { externalTraceId, getExternalTraceId, setExternalTraceId } from './external-trace-id';
import { isValidSpanContext } from './valid-span-context';

const X_TRACE_ID = 'x-trace-id';
const X_REQUEST_ID = 'x-request-id';

/**
 * `OTEL_PROPAGATORS=tracecontext,baggage,xtraceid`: a bridge to services that still speak a legacy `X-Trace-ID`.
 *
 * - Inbound, only when no earlier propagator found a trace: an `X-Trace-ID` (else `X-Request-ID`) holding 32 hex
 *   digits or a UUID becomes the trace id, so the legacy caller's id is the trace's id end to end. Anything else is
 *   ignored whole: it never reaches a span or a log. The caller has no span id and made no sampling decision, so the
 *   span that continues it is a root, with that trace id and no parent, sampled by the rules.
 * - Outbound: writes `X-Trace-ID` with the trace id, so old services log the same id; with no span in the context
 *   (no SERVER span was made, the http instrumentation being off), the inbound id is passed on.
 */
export class XTraceIdPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    const traceId = spanContext && isValidSpanContext(spanContext) ? spanContext.traceId : getExternalTraceId(context);
    if (traceId) setter.set(carrier, X_TRACE_ID, traceId);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const existing = trace.getSpanContext(context);
    if (existing && isValidSpanContext(existing)) return context;
    const traceId = externalTraceId(getter.get(carrier, X_TRACE_ID) ?? getter.get(carrier, X_REQUEST_ID));
    return traceId ? setExternalTraceId(context, traceId) : context;
  }

  fields(): string[] {
    return [X_TRACE_ID];
  }
}
