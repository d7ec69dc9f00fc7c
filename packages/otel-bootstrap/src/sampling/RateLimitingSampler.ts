import { DROP_INTENT } from './composable';
import type { ComposableSampler, SamplingIntent, SamplingParameters } from './composable';
import { KEEP_ALL } from './composable/threshold';

/**
 * Lets through at most `perSecond` of the traces its delegate would sample (a token bucket, so short bursts up to
 * one second's worth pass). A rate-limited decision is not a probability: a span let through gets an unreliable
 * threshold of 0, so it is sampled and no `th` is written into tracestate.
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

  getSamplingIntent(parameters: SamplingParameters): SamplingIntent {
    const intent = this.delegate.getSamplingIntent(parameters);
    // The delegate's threshold decides with the trace's randomness, as the composite sampler would have.
    if (intent.threshold === undefined || parameters.randomness < intent.threshold) return intent;
    this.refill();
    if (this.tokens < 1) return DROP_INTENT;
    this.tokens -= 1;
    return { ...intent, threshold: KEEP_ALL, adjustedCountReliable: false };
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
