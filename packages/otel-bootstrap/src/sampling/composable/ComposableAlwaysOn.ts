import type { ComposableSampler, SamplingIntent } from './composable-sampler';
import { KEEP_ALL } from './threshold';

const KEEP_ALL_INTENT: SamplingIntent = Object.freeze({ threshold: KEEP_ALL, adjustedCountReliable: true });

/** Keeps every span, with a reliable threshold of 0 (`th:0`): the spec's ComposableAlwaysOn. */
export class ComposableAlwaysOn implements ComposableSampler {
  getSamplingIntent(): SamplingIntent {
    return KEEP_ALL_INTENT;
  }

  toString(): string {
    return 'ComposableAlwaysOn';
  }
}
