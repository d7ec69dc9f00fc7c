import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import type { Attributes, Context, Link, SpanKind, TraceState } from '@opentelemetry/api';

/**
 * The head sampler when error or latency keeping is on. It answers what the head sampler answers, so the SDK makes
 * no span of its own for a trace it does not sample, and remembers that unsampled decision for the one synchronous
 * startSpan call that asked, which then starts a PendingSpan instead (sdk/pending-spans.ts). When a kept pending span
 * is replayed through the SDK, it samples it.
 *
 * It replaces upstream's always-record sampler, which made the SDK record every span it would have dropped.
 */
export class DeferringSampler implements Sampler {
  private deferred: SamplingResult | undefined;
  private replaying: { traceState: TraceState | undefined } | undefined;

  constructor(readonly head: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (this.replaying) return { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: this.replaying.traceState };
    const result = this.head.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision === SamplingDecision.NOT_RECORD) this.deferred = result;
    return result;
  }

  /** The unsampled decision made since the last call, if any (its attributes and tracestate); forgets it. */
  takeDeferred(): SamplingResult | undefined {
    const deferred = this.deferred;
    this.deferred = undefined;
    return deferred;
  }

  /** Runs `start`, in which every span is sampled with this tracestate: a kept span made again by the SDK. */
  replay<T>(traceState: TraceState | undefined, start: () => T): T {
    this.replaying = { traceState };
    try {
      return start();
    } finally {
      this.replaying = undefined;
    }
  }

  toString(): string {
    return `DeferringSampler(${this.head.toString()})`;
  }
}
