import { TraceFlags } from '@opentelemetry/api';
import { DROP_INTENT } from './composable-sampler';
import type { ComposableSampler, SamplingIntent, SamplingParameters } from './composable-sampler';
import { KEEP_ALL } from './threshold';

/** Sampled, with a probability nobody can tell: no `th` goes downstream. */
const SAMPLED_UNKNOWN: SamplingIntent = Object.freeze({ threshold: KEEP_ALL, adjustedCountReliable: false });

/**
 * Follows the parent's decision, and asks `root` about spans without a parent (the spec's
 * ComposableParentThreshold).
 *
 * A sampled parent passes its `th` on when it is valid and consistent, that is when the trace's randomness is at
 * least that threshold; a `th` that is malformed or contradicts the sampled flag is erased (tracestate-probability-
 * sampling.md, "Parent-based threshold"), and the span is still sampled. A parent that is not sampled gives a child
 * that is not sampled, whatever its tracestate says.
 */
export class ComposableParentThreshold implements ComposableSampler {
  constructor(private readonly root: ComposableSampler) {}

  getSamplingIntent(parameters: SamplingParameters): SamplingIntent {
    const { parent, ot, randomness } = parameters;
    if (!parent) return this.root.getSamplingIntent(parameters);
    if ((parent.traceFlags & TraceFlags.SAMPLED) === 0) return DROP_INTENT;
    const threshold = ot.threshold;
    if (threshold === undefined || randomness < threshold) return SAMPLED_UNKNOWN;
    return { threshold, adjustedCountReliable: true };
  }

  toString(): string {
    return `ComposableParentThreshold(root=${this.root})`;
  }
}
