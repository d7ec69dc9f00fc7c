import { trace } from '@opentelemetry/api';
import type { Context, Span, SpanContext, SpanOptions } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { getExternalTraceId } from '../propagation/external-trace-id';
import { RANDOM_TRACE_ID_FLAG } from '../propagation/trace-flags';
import type { RootTraceIdGenerator } from './RootTraceIdGenerator';
import { wrapStartSpan } from './tracer-start-span';
import { isValidSpanContext } from '../propagation/valid-span-context';

/**
 * W3C Trace Context Level 2's random-trace-id flag (0x02) on the spans the provider's tracers start, which the SDK's
 * Tracer does not set: it computes trace flags from the sampling decision alone
 * (https://github.com/open-telemetry/opentelemetry-js/issues/6165). So:
 * - a span that keeps its parent's trace id keeps the parent's flag, set or unset, as every traceparent that keeps
 *   an incoming trace id must;
 * - a root whose trace id we generated (random) carries it, sampled or not;
 * - a root whose trace id the context names (X-Trace-ID, a job's correlation id) gets that trace id, no parent, and
 *   not the flag: nobody knows how that id was made.
 * Span processors' `onStart` still sees the SDK's flags; the span context they and the exporter read later has it.
 */
export function startSpansWithRandomFlag(provider: TracerProvider, ids: RootTraceIdGenerator): void {
  wrapStartSpan(provider, (start, name, options, parentContext) =>
    startWithFlag(() => start(name, options, parentContext), ids, options, parentContext),
  );
}

function startWithFlag(
  start: () => Span,
  ids: RootTraceIdGenerator,
  options: SpanOptions | undefined,
  parentContext: Context,
): Span {
  // What the SDK's startSpan decides too: `root` drops the parent, and only a valid parent gives its trace id.
  const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
  const wanted = options?.root ? undefined : getExternalTraceId(parentContext);
  const givesTraceId = wanted !== undefined && !(parent && isValidSpanContext(parent));
  const span = givesTraceId ? ids.withTraceId(wanted, start) : start();
  const { traceId } = span.spanContext();
  if (parent?.traceId === traceId) return withRandomFlag(span, parent.traceFlags & RANDOM_TRACE_ID_FLAG);
  return withRandomFlag(span, givesTraceId ? 0 : RANDOM_TRACE_ID_FLAG);
}

function withRandomFlag(span: Span, flag: number): Span {
  const spanContext: SpanContext = span.spanContext();
  if ((spanContext.traceFlags & RANDOM_TRACE_ID_FLAG) === flag || !isValidSpanContext(spanContext)) return span;
  const traceFlags = (spanContext.traceFlags & ~RANDOM_TRACE_ID_FLAG) | flag;
  if (!span.isRecording()) return trace.wrapSpanContext({ ...spanContext, traceFlags });
  // A recording span is the SDK's, whose spanContext() is its own record: what the exporter and propagators read.
  spanContext.traceFlags = traceFlags;
  return span;
}
