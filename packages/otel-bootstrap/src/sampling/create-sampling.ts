import type { Attributes } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { EndpointRule } from '../config/endpoint-rules';
import type { KeepConfig, SamplingConfig } from '../config/read-config';
import type { FileRule } from '../config/rules-file';
import {
  ComposableAnnotating,
  ComposableParentThreshold,
  ComposableProbability,
  ComposableRuleBased,
  CompositeSampler,
} from './composable';
import type { ComposableSampler } from './composable';
import { DeferringSampler } from './DeferringSampler';
import { JaegerRemoteSampler } from './JaegerRemoteSampler';
import { LocalParentSampler } from './LocalParentSampler';
import { RateLimitingSampler } from './RateLimitingSampler';
import { endpointPredicate, fileRulePredicate } from './rule-predicates';
import type { SpanPredicate } from './rule-predicates';
import { SAMPLING_RATIO, SAMPLING_REASON, SAMPLING_RULE } from './sampling-attributes';

/** Everything sampling needs: the head sampler, and when to keep what it drops (if ever). */
export interface Sampling {
  readonly sampler: Sampler;
  /** Settings for DeferredDecisionProcessor; undefined when nothing is ever kept after the fact. */
  readonly keep: KeepConfig | undefined;
  /** Stops background work (the Jaeger remote poller). */
  stop(): void;
}

type Rule = [SpanPredicate, ComposableSampler];

/**
 * Builds sampling from its configuration section (the variables with the rules file already merged over them):
 * - roots: the first matching rule (from the rules file, else OTEL_BOOTSTRAP_SAMPLING_RULES), else the default ratio
 *   or Jaeger's strategy;
 * - children (for the `parentbased_*` samplers): the parent's decision, taken as it is for a local parent;
 * - ratios use consistent probability sampling, so every service and process agrees on a trace id;
 * - with keeping on (errors or slow traces), what the head sampler drops is recorded and decided after the fact.
 */
export function createSampling(
  config: SamplingConfig,
  serviceName: string,
  { localParentFastPath = true }: { readonly localParentFastPath?: boolean } = {},
): Sampling {
  const kind = config.sampler.replace(/^parentbased_/, '');
  if (kind === 'always_off') return { sampler: new AlwaysOffSampler(), keep: undefined, stop() {} };

  const remote = kind === 'jaeger_remote' ? new JaegerRemoteSampler(config.jaegerRemote, serviceName) : undefined;
  const fallback = remote ?? annotate(probability(config.ratio), 'ratio', undefined, config.ratio);
  const rules =
    config.rules.from === 'file' ? fileRules(config.rules.list, serviceName) : endpointRules(config.rules.list);
  const roots = rules.length > 0 ? ruleBased([...rules, [() => true, fallback]]) : fallback;
  const parentBased = config.sampler.startsWith('parentbased_');
  const composite = new CompositeSampler(parentBased ? new ComposableParentThreshold(roots) : roots);
  const head = parentBased && localParentFastPath ? new LocalParentSampler(composite) : composite;
  return {
    // A head sampler cannot see an error that has not happened yet: with keeping on, what it would drop is still
    // recorded, as PendingSpans, so DeferredDecisionProcessor can keep it once the local trace has ended. The
    // propagated sampled flag stays 0, so downstream services make the same deferred decision for their own part.
    sampler: config.keep ? new DeferringSampler(head) : head,
    keep: config.keep,
    stop: () => remote?.stop(),
  };
}

function endpointRules(rules: readonly EndpointRule[]): Rule[] {
  return rules.map((rule) => [
    endpointPredicate(rule),
    annotate(probability(rule.ratio), 'rule', rule.text, rule.ratio),
  ]);
}

function fileRules(rules: readonly FileRule[], serviceName: string): Rule[] {
  return rules.flatMap((rule): Rule[] => {
    const predicate = fileRulePredicate(rule.match, serviceName);
    if (!predicate) return [];
    const sampler = annotate(probability(rule.ratio), 'rule', rule.name, rule.ratio);
    return [[predicate, rule.maxPerSecond ? new RateLimitingSampler(sampler, rule.maxPerSecond) : sampler]];
  });
}

function probability(ratio: number): ComposableSampler {
  return new ComposableProbability(ratio);
}

function annotate(sampler: ComposableSampler, reason: string, rule: string | undefined, ratio: number) {
  const attributes: Attributes = { [SAMPLING_REASON]: reason, [SAMPLING_RATIO]: ratio };
  if (rule !== undefined) attributes[SAMPLING_RULE] = rule;
  return new ComposableAnnotating(sampler, attributes);
}

/** The spec's rule-based sampler, with predicates that look only at what a span has at its start. */
function ruleBased(rules: Rule[]): ComposableSampler {
  return new ComposableRuleBased(
    rules.map(([predicate, sampler]) => [
      ({ spanName, spanKind, attributes }) => predicate(spanName, spanKind, attributes),
      sampler,
    ]),
  );
}
