import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import type { Attributes, Context, Link, Span, SpanKind, SpanOptions } from '@opentelemetry/api';
import { cleanAttributes } from '@opentelemetry/core';
import type { StartSpan } from './tracer-start-span';

// Why: the SDK's startSpan cleans a span's start attributes before it asks the sampler, then cleans them again with
// the span limits if the span is sampled. Cleaning allocates a WeakSet per attribute value (core's isAnyValue) and an
// entries array: about 1.9 KB and 1 µs for W1's server span, a sixth of what the bootstrap allocates per request with
// the sampler off (bench/findings.md, "Attributes cleaned once"). So the SDK gets no start attributes; the sampler
// sees the caller's own, and hands them back to the SDK as its sampling attributes when it samples, which the SDK
// cleans once, with the limits, into the span. An unsampled span's attributes are never cleaned: nothing reads them.

/** What the SDK's startSpan cleans start attributes with before it samples. */
const NO_LIMITS = { attributeCountLimit: Infinity, attributeValueLengthLimit: Infinity };

/** A start's attributes, held for the one synchronous `shouldSample` call of the SDK's startSpan. */
export class CleanOnceSampler implements Sampler {
  private held: Attributes | undefined;
  /** A decision already made (sdk/dropped-spans-without-sdk.ts), for the SDK's one call to get. */
  private heldResult: SamplingResult | undefined;

  constructor(readonly inner: Sampler) {}

  /** Runs the SDK's `start` with `attributes` handed to the sampler instead of through the SDK. */
  holding<T>(attributes: Attributes, start: () => T): T {
    this.held = attributes;
    try {
      return start();
    } finally {
      this.held = undefined;
    }
  }

  /** The decision the SDK's next sampler call gets, made by {@link decide} for the same span; undefined clears it. */
  handOver(result: SamplingResult | undefined): void {
    this.heldResult = result;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const decided = this.heldResult;
    this.heldResult = undefined;
    if (decided) return decided;
    const raw = this.held;
    this.held = undefined;
    if (!raw) return this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return this.decide(context, traceId, spanName, spanKind, raw, links);
  }

  /** The inner sampler's decision on the caller's own attributes, and for a sampled span what the SDK cleans. */
  decide(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    raw: Attributes,
    links: Link[],
  ): SamplingResult {
    let result: SamplingResult;
    try {
      result = this.inner.shouldSample(context, traceId, spanName, spanKind, raw, links);
    } catch {
      // An attribute value the SDK would have dropped (a class instance whose toString throws, say) must not reach
      // the app: ask again with the SDK's cleaning, as it would have asked.
      const cleaned = cleanAttributes(raw, NO_LIMITS).attributes ?? {};
      result = this.inner.shouldSample(context, traceId, spanName, spanKind, cleaned, links);
    }
    if (result.decision === SamplingDecision.NOT_RECORD) return result;
    // The SDK merges these into an empty object and cleans that once, with the span limits: the caller's attributes
    // first, the sampler's over them, as it merges its own two.
    return { ...result, attributes: result.attributes ? { ...raw, ...result.attributes } : raw };
  }

  toString(): string {
    return this.inner.toString();
  }
}

/**
 * Starts a span through the SDK's `start` with its attributes cleaned once, and only when sampled. The provider's
 * sampler must be `sampler`, and `start` the SDK's own startSpan (sdk/dropped-spans-without-sdk.ts puts this next to
 * it). A replay of a kept pending span calls the SDK's startSpan directly and is cleaned as the SDK cleans.
 */
export function startCleaningOnce(
  start: StartSpan,
  sampler: CleanOnceSampler,
  name: string,
  options: SpanOptions | undefined,
  parentContext: Context,
): Span {
  const attributes = options?.attributes;
  if (!attributes) return start(name, options, parentContext);
  return sampler.holding(attributes, () => start(name, { ...options, attributes: undefined }, parentContext));
}
