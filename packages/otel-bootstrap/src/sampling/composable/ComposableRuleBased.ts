import { DROP_INTENT } from './composable-sampler';
import type { ComposableSampler, SamplingIntent, SamplingParameters, SamplingRule } from './composable-sampler';

/**
 * Asks the sampler of the first rule whose predicate holds; keeps nothing when no rule applies (the spec's
 * ComposableRuleBased). End the list with an always-true rule to give a default.
 */
export class ComposableRuleBased implements ComposableSampler {
  private readonly rules: readonly SamplingRule[];

  constructor(rules: readonly SamplingRule[]) {
    this.rules = [...rules];
  }

  getSamplingIntent(parameters: SamplingParameters): SamplingIntent {
    const rule = this.rules.find(([applies]) => applies(parameters));
    return rule ? rule[1].getSamplingIntent(parameters) : DROP_INTENT;
  }

  toString(): string {
    return `ComposableRuleBased(${this.rules.map(([, sampler]) => String(sampler)).join(', ')})`;
  }
}
