import { trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import type { ComposableSampler, SamplingIntent } from '@opentelemetry/sampler-composite';

const NEVER: SamplingIntent = Object.freeze({ threshold: -1n, thresholdReliable: false });

/**
 * Lets through at most `perSecond` of the traces its delegate would sample (a token bucket, so short bursts up to
 * one second's worth pass). A rate-limited decision is not a probability, so the threshold it reports is marked
 * unreliable and is not written into tracestate.
 */
export class RateLimitingSampler implements ComposableSampler {
  private tokens: number;
  private last: number;

  constructor(
    private readonly delegate: ComposableSampler,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = Math.max(1, perSecond);
    this.last = now();
  }

  getSamplingIntent(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingIntent {
    const intent = this.delegate.getSamplingIntent(context, traceId, spanName, spanKind, attributes, links);
    if (intent.threshold < 0n || intent.threshold > randomness(context, traceId)) return intent;
    this.refill();
    if (this.tokens < 1) return NEVER;
    this.tokens -= 1;
    return { ...intent, thresholdReliable: false };
  }

  toString(): string {
    return `RateLimitingSampler(${this.perSecond}/s, ${this.delegate})`;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(Math.max(1, this.perSecond), this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/** The randomness a consistent sampler compares with: `ot=rv:` from tracestate, else the trace id's last 56 bits. */
export function randomness(context: Context, traceId: string): bigint {
  const ot = trace.getSpanContext(context)?.traceState?.get('ot');
  const rv = ot && /(?:^|;)rv:([0-9a-f]{14})(?:;|$)/.exec(ot);
  return BigInt(`0x${rv ? rv[1] : traceId.slice(-14)}`);
}
