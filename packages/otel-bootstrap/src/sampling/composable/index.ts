/**
 * Composable samplers, written here from the OpenTelemetry specification (specification/trace/sdk.md,
 * "CompositeSampler" and "ComposableSampler"; tracestate-probability-sampling.md; tracestate-handling.md).
 *
 * Not `@opentelemetry/sampler-composite` (https://www.npmjs.com/package/@opentelemetry/sampler-composite): its 0.222
 * release pins @opentelemetry/core and @opentelemetry/sdk-trace at exactly 2.11.0. Outside our monorepo, whose root
 * `overrides` hide it, a user's install then holds a second copy of both (two `Sampler` types that do not mix with
 * SDK 3's) and npm warns (ERESOLVE) that core 2.x wants @opentelemetry/api below the 1.10 we use.
 */
export { ComposableAlwaysOn } from './ComposableAlwaysOn';
export { ComposableAnnotating } from './ComposableAnnotating';
export { ComposableParentThreshold } from './ComposableParentThreshold';
export { ComposableProbability } from './ComposableProbability';
export { ComposableRuleBased } from './ComposableRuleBased';
export { DROP_INTENT } from './composable-sampler';
export type {
  ComposableSampler,
  SamplingIntent,
  SamplingParameters,
  SamplingPredicate,
  SamplingRule,
} from './composable-sampler';
export { CompositeSampler } from './CompositeSampler';
