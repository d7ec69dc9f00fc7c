import { DROP_INTENT } from './composable-sampler';
import type { ComposableSampler, SamplingIntent } from './composable-sampler';
import { encodeThreshold, probabilityToThreshold } from './threshold';

/**
 * Keeps a fixed share of traces, consistently: every process sampling the same trace at the same ratio agrees, and a
 * trace kept at one ratio is kept at every higher one (the spec's ComposableProbability). A ratio of 0 keeps nothing
 * and, not being a probability, reports no threshold, as the spec's ComposableAlwaysOff does.
 */
export class ComposableProbability implements ComposableSampler {
  private readonly intent: SamplingIntent;

  /**
   * @param ratio the share of traces to keep, from 0 to 1
   * @throws RangeError when `ratio` is outside 0 to 1
   */
  constructor(private readonly ratio: number) {
    const threshold = probabilityToThreshold(ratio);
    this.intent = threshold === undefined ? DROP_INTENT : Object.freeze({ threshold, adjustedCountReliable: true });
  }

  getSamplingIntent(): SamplingIntent {
    return this.intent;
  }

  toString(): string {
    const { threshold } = this.intent;
    return `ComposableProbability(${this.ratio}, th:${threshold === undefined ? 'none' : encodeThreshold(threshold)})`;
  }
}
