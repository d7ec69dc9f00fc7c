import { SamplingDecision, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { PendingSpan } from '../sampling/PendingSpan';
import { startCleaningOnce } from './attributes-cleaned-once';
import type { CleanOnceSampler } from './attributes-cleaned-once';
import type { RootTraceIdGenerator } from './RootTraceIdGenerator';
import { wrapStartSpan } from './tracer-start-span';
import { isValidSpanContext } from '../propagation/valid-span-context';

// Why: a span the sampler drops (every root with the sampler off, nine in ten at 10%, each remote child of an unsampled
// caller) went through the SDK's whole startSpan to become a non-recording span: its span metrics (a no-op meter
// here), a debug line, and the SDK's own context and id lookups. In a service that serves requests one at a time, on
// cold caches, that path cost about 17 µs a span (bench/findings.md, "Dropped spans without the SDK"). So the sampler
// is asked first, as the SDK would ask it (the same trace id, kind, attributes and context), and a dropped span is
// made here; anything else goes to the SDK with that very decision and those ids.

/** The SDK's span class (not exported by sdk-trace), from the first span it records through here. */
let sdkSpanClass: unknown;

/**
 * Makes the provider's tracers ask the sampler before the SDK, and start what it drops without the SDK. Install it
 * first, so that it sits next to the SDK's own startSpan, under every other wrapper; the provider's sampler must be
 * `sampler` and its id generator `ids`. Starts with links, or under suppressed tracing, take the SDK's path with
 * their attributes cleaned once (sdk/attributes-cleaned-once.ts).
 */
export function startDroppedSpansWithoutSdk(
  provider: TracerProvider,
  sampler: CleanOnceSampler,
  ids: RootTraceIdGenerator,
): void {
  wrapStartSpan(provider, (start, name, options, parentContext) => {
    if (options?.links?.length || isTracingSuppressed(parentContext)) {
      return startCleaningOnce(start, sampler, name, options, parentContext);
    }
    // What the SDK's startSpan decides: `root` drops the parent (the sampler must not see it either), and only a
    // valid parent gives its trace id and state.
    if (options?.root) parentContext = trace.deleteSpan(parentContext);
    const parentSpan = trace.getSpan(parentContext);
    const parent = parentSpan?.spanContext();
    // A span the SDK made for us, or a pending one, has valid ids by construction: skip the id checks.
    const ours = parentSpan && (parentSpan.constructor === sdkSpanClass || parentSpan instanceof PendingSpan);
    const validParent = parent && (ours || isValidSpanContext(parent)) ? parent : undefined;
    const spanId = ids.generateSpanId();
    const traceId = validParent ? validParent.traceId : ids.generateTraceId();
    const kind = options?.kind ?? SpanKind.INTERNAL;
    const result = sampler.decide(parentContext, traceId, name, kind, options?.attributes ?? {}, []);
    if (result.decision === SamplingDecision.NOT_RECORD) {
      const traceState = result.traceState ?? validParent?.traceState;
      return trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.NONE, traceState });
    }
    // Handed over without closures: this is every sampled span's path. A trace id only for a root: under a valid
    // parent the SDK never takes it, and a span started meanwhile (by a span processor's onStart) must not get it.
    ids.handOver(validParent ? undefined : traceId, spanId);
    sampler.handOver(result);
    try {
      const span = start(name, { ...options, attributes: undefined }, parentContext);
      if (span.isRecording()) sdkSpanClass ??= span.constructor;
      return span;
    } finally {
      ids.handOver(undefined, undefined);
      sampler.handOver(undefined);
    }
  });
}
