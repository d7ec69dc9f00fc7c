import { diag, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { DeferredDecisionProcessor } from '../sampling/DeferredDecisionProcessor';
import type { DeferringSampler } from '../sampling/DeferringSampler';
import { PendingSpan } from '../sampling/PendingSpan';
import type { PendingSpanOrigin } from '../sampling/PendingSpan';
import { decidesUnsampledChildrenAlike, unsampledChildContext } from '../sampling/unsampled-children';
import type { RootTraceIdGenerator } from './RootTraceIdGenerator';
import { sdkStartSpanOf, wrapStartSpan } from './tracer-start-span';
import type { StartSpan } from './tracer-start-span';
import { isValidSpanContext } from '../propagation/valid-span-context';

/** What pending spans need from the rest of the trace pipeline. */
export interface PendingSpansOptions {
  /** The provider's sampler: it tells which decisions were unsampled, and samples a replay. */
  readonly sampler: DeferringSampler;
  /** The provider's id generator: a replay gets the pending span's ids from it. */
  readonly ids: RootTraceIdGenerator;
  readonly keeper: DeferredDecisionProcessor;
}

/**
 * Error keeping without SDK spans for what it drops: every span the head sampler does not sample is started as a
 * PendingSpan (sampling/PendingSpan.ts) in place of the SDK's non-recording span, and DeferredDecisionProcessor
 * decides its trace. A kept one is replayed through the tracer's own SDK startSpan, with its ids and sampled, so it
 * becomes the SDK span it would have been and goes through every span processor.
 *
 * Where the head sampler decides a child of an unsampled local span from its parent alone (the `parentbased_*`
 * samplers), such a child is made here without asking the SDK at all, as sampling/unsampled-children.ts does
 * without keeping.
 */
export function startPendingSpans(provider: TracerProvider, options: PendingSpansOptions): void {
  const childrenAlike = decidesUnsampledChildrenAlike(options.sampler.head);
  const origins = new WeakMap<Tracer, PendingSpanOrigin>();
  const originOf = (tracer: Tracer) => {
    let origin = origins.get(tracer);
    if (!origin) origins.set(tracer, (origin = pendingSpanOrigin(sdkStartSpanOf(tracer), options)));
    return origin;
  };
  wrapStartSpan(provider, (start, name, spanOptions, parentContext, tracer) => {
    const parent = spanOptions?.root ? undefined : trace.getSpan(parentContext);
    const pendingParent = parent instanceof PendingSpan ? parent : undefined;
    if (childrenAlike && pendingParent && !isTracingSuppressed(parentContext)) {
      const child = childOf(pendingParent, originOf(tracer), name, spanOptions, options.ids);
      return options.keeper.started(child, pendingParent);
    }
    options.sampler.takeDeferred();
    const span = start(name, spanOptions, parentContext);
    const deferred = options.sampler.takeDeferred();
    if (!deferred) return span;
    const parentSpanContext = parent?.spanContext();
    const pending = new PendingSpan(
      originOf(tracer),
      span.spanContext(),
      name,
      spanOptions?.kind ?? SpanKind.INTERNAL,
      parentSpanContext && isValidSpanContext(parentSpanContext) ? parentSpanContext : undefined,
      spanOptions,
      deferred.attributes,
    );
    return options.keeper.started(pending, pendingParent);
  });
}

/** A child of a pending span, as the parent-based sampler decides it: unsampled, its parent's tracestate. */
function childOf(
  parent: PendingSpan,
  origin: PendingSpanOrigin,
  name: string,
  options: SpanOptions | undefined,
  ids: RootTraceIdGenerator,
): PendingSpan {
  const parentContext = parent.spanContext();
  const context = unsampledChildContext(parentContext, ids.generateSpanId());
  return new PendingSpan(origin, context, name, options?.kind ?? SpanKind.INTERNAL, parentContext, options, undefined);
}

function pendingSpanOrigin(sdkStart: StartSpan, { sampler, ids, keeper }: PendingSpansOptions): PendingSpanOrigin {
  return {
    ended: (span) => keeper.ended(span),
    // A replay runs where a span ends in the app, or on the keep buffer's timer: a failure costs the span, never the app.
    replay: (span, attributes) => {
      try {
        replay(span, attributes, sdkStart, sampler, ids);
      } catch (error) {
        diag.error(`could not export the kept span "${span.name}"; it is lost`, error);
      }
    },
  };
}

/** Makes the SDK span a kept pending span would have been, sampled, and ends it: the span processors see it all. */
function replay(
  pending: PendingSpan,
  attributes: Attributes | undefined,
  sdkStart: StartSpan,
  sampler: DeferringSampler,
  ids: RootTraceIdGenerator,
): void {
  const { traceId, spanId, traceFlags, traceState } = pending.spanContext();
  const parent = pending.parentSpanContext;
  const parentContext: Context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  const options: SpanOptions = {
    kind: pending.kind,
    attributes: pending.attributes,
    links: pending.links,
    startTime: pending.startTime,
  };
  const span: Span = ids.withIds(traceId, spanId, () =>
    sampler.replay(traceState, () => sdkStart(pending.name, options, parentContext)),
  );
  // The SDK's spanContext() is the span's own record, which the exporter reads: it gets the random-trace-id flag the
  // pending span carried (sdk/random-trace-flag.ts).
  span.spanContext().traceFlags = traceFlags | TraceFlags.SAMPLED;
  for (const event of pending.events ?? []) {
    if (event.exception !== undefined) span.recordException(event.exception, event.time);
    else span.addEvent(event.name, event.attributes, event.time);
  }
  if (pending.status.code !== SpanStatusCode.UNSET) span.setStatus(pending.status);
  if (attributes) span.setAttributes(attributes);
  span.end(pending.endTime);
}
