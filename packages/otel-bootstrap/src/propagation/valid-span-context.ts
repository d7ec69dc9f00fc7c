import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';

// isSpanContextValid, remembering the last trace id and span id found valid. @opentelemetry/api checks both ids hex
// digit by hex digit on every call, about 775 instructions for a trace id and a span id together, and a request asks
// it again and again of the same ids: each child checks its parent, the random flag and the propagators check the new
// span. On W3 with nothing recorded that was 10 checks, 7,750 instructions a request (bench/findings.md, "Span
// context checks remembered"). The ids of one trace are the same string objects from span to span, so comparing with
// the last valid ones is a pointer comparison in the common case.

// Start with ids that are valid, so that nothing is ever taken as valid unchecked.
let lastTraceId = '00000000000000000000000000000001';
let lastSpanId = '0000000000000001';

/** Whether the span context has a valid trace id and span id (what `isSpanContextValid` answers). */
export function isValidSpanContext(spanContext: SpanContext): boolean {
  const { traceId, spanId } = spanContext;
  if (traceId !== lastTraceId) {
    if (!isValidTraceId(traceId)) return false;
    lastTraceId = traceId;
  }
  if (spanId !== lastSpanId) {
    if (!isValidSpanId(spanId)) return false;
    lastSpanId = spanId;
  }
  return true;
}
