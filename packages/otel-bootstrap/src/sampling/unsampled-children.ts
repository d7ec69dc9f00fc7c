import { trace, TraceFlags } from '@opentelemetry/api';
import type { Context, Span, SpanContext, SpanOptions } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { AlwaysOffSampler, RandomIdGenerator } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { RANDOM_TRACE_ID_FLAG } from '../propagation/trace-flags';
import { LocalParentSampler } from './LocalParentSampler';
import { isValidSpanContext } from '../propagation/valid-span-context';

const ids = new RandomIdGenerator();

/**
 * LocalParentSampler (the `parentbased_*` samplers; with error or latency keeping it is the head of a
 * DeferringSampler, whose pending spans take the same shortcut in sdk/pending-spans.ts) and AlwaysOffSampler decide a
 * child of an unsampled local span from its parent alone.
 */
export function decidesUnsampledChildrenAlike(sampler: Sampler): boolean {
  return sampler instanceof LocalParentSampler || sampler instanceof AlwaysOffSampler;
}

/**
 * A child of an unsampled span from this process, started without the SDK (sdk/tracer-start-span.ts): the same
 * non-recording span, with the parent's trace id and tracestate, a new span id, and of the flags only the parent's
 * random-trace-id flag (W3C Trace Context Level 2).
 *
 * Only where the sampler gives such a child NOT_RECORD and the parent's tracestate whatever its name, kind, attributes
 * or links: see {@link decidesUnsampledChildrenAlike}. The SDK's startSpan would still clean its attributes
 * (allocating a WeakSet per value) and ask the sampler, for a span that records nothing; skipping that lowers the
 * app's CPU per request when most traces are not sampled (bench/findings.md, "Unsampled children without the SDK").
 * test/unit/sampling/unsampled-children.test.ts compares it with the SDK's spans.
 * One difference: the SDK's own `otel.sdk.span.started` metric, reported only if the app installs a global meter
 * provider, does not count these spans.
 * Undefined where the SDK must start the span.
 */
export function unsampledChild(options: SpanOptions | undefined, parentContext: Context): Span | undefined {
  if (options?.root) return undefined;
  const parent = trace.getSpanContext(parentContext);
  if (
    parent === undefined ||
    parent.isRemote ||
    (parent.traceFlags & TraceFlags.SAMPLED) !== 0 ||
    !isValidSpanContext(parent) ||
    isTracingSuppressed(parentContext)
  ) {
    return undefined;
  }
  return trace.wrapSpanContext(unsampledChildContext(parent, ids.generateSpanId()));
}

/** An unsampled child's span context: its parent's trace id and tracestate, and of the flags only the random flag. */
export function unsampledChildContext(parent: SpanContext, spanId: string): SpanContext {
  return {
    traceId: parent.traceId,
    spanId,
    traceFlags: parent.traceFlags & RANDOM_TRACE_ID_FLAG,
    traceState: parent.traceState,
  };
}
