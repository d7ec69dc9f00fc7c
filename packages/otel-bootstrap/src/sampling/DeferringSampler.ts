import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';

/**
 * Turns "drop" into "record, don't sample yet". A head sampler cannot see an error that has not happened, so every
 * span its delegate would drop is still recorded (RECORD, "record only"): it reaches the span processors, where
 * {@link DeferredDecisionProcessor} keeps the local trace if an error or a slow root shows up, and drops it otherwise.
 * The propagated sampled flag stays 0, so downstream services make the same deferred decision for their own part.
 */
export class DeferringSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return result.decision === SamplingDecision.NOT_RECORD ? { ...result, decision: SamplingDecision.RECORD } : result;
  }

  toString(): string {
    return `DeferringSampler(${this.delegate.toString()})`;
  }
}
