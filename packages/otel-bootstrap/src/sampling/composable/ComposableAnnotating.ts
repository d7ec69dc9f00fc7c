import type { Attributes } from '@opentelemetry/api';
import type { ComposableSampler, SamplingIntent, SamplingParameters } from './composable-sampler';

/**
 * Adds attributes to what its delegate intends, leaving the threshold alone (the spec's ComposableAnnotating).
 * Ours win over the delegate's on a clash. The attributes are copied once, so later changes to the caller's object
 * do not reach spans.
 */
export class ComposableAnnotating implements ComposableSampler {
  private readonly attributes: Readonly<Attributes>;

  constructor(
    private readonly delegate: ComposableSampler,
    attributes: Attributes,
  ) {
    this.attributes = Object.freeze({ ...attributes });
  }

  getSamplingIntent(parameters: SamplingParameters): SamplingIntent {
    const intent = this.delegate.getSamplingIntent(parameters);
    const attributes = intent.attributes === undefined ? this.attributes : { ...intent.attributes, ...this.attributes };
    return { ...intent, attributes };
  }

  toString(): string {
    return `ComposableAnnotating(${this.delegate}, ${Object.keys(this.attributes).join(', ')})`;
  }
}
