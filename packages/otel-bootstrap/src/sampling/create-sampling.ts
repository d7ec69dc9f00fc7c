import type { Attributes } from '@opentelemetry/api';
import { AlwaysOffSampler, createAlwaysRecordSampler } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { BootstrapConfig } from '../config/read-config';
import { EXTERNAL_ROOT } from '../propagation/external-root';
import type { DeferredDecisionOptions } from './DeferredDecisionProcessor';
import {
  ComposableAnnotating,
  ComposableParentThreshold,
  ComposableProbability,
  ComposableRuleBased,
  CompositeSampler,
} from './composable';
import type { ComposableSampler } from './composable';
import { parseEndpointRules } from '../config/endpoint-rules';
import { JaegerRemoteSampler } from './JaegerRemoteSampler';
import { LocalParentSampler } from './LocalParentSampler';
import { RateLimitingSampler } from './RateLimitingSampler';
import { endpointPredicate, fileRulePredicate } from './rule-predicates';
import type { SpanPredicate } from './rule-predicates';
import type { RulesFile } from '../config/rules-file';
import { SAMPLING_RATIO, SAMPLING_REASON, SAMPLING_RULE } from './sampling-attributes';

/** Everything sampling needs: the head sampler, the deferred decision (if any), and what went wrong reading it. */
export interface Sampling {
  readonly sampler: Sampler;
  /** Settings for DeferredDecisionProcessor; undefined when nothing is ever decided after the fact. */
  readonly deferral: Omit<DeferredDecisionOptions, 'now'> | undefined;
  readonly warnings: readonly string[];
  /** Stops background work (the Jaeger remote poller). */
  stop(): void;
}

type Rule = [SpanPredicate, ComposableSampler];

/**
 * Builds sampling from the configuration:
 * - roots: the first matching rule (from the rules file, else OTEL_BOOTSTRAP_SAMPLING_RULES), else the default ratio
 *   (OTEL_TRACES_SAMPLER_ARG) or Jaeger's strategy;
 * - children (for the `parentbased_*` samplers): the parent's decision, taken as it is for a local parent;
 * - ratios use consistent probability sampling, so every service and process agrees on a trace id;
 * - with error or latency keeping on, what the head sampler drops is recorded and decided after the fact.
 */
export function createSampling(
  config: BootstrapConfig,
  serviceName: string,
  { localParentFastPath = true }: { readonly localParentFastPath?: boolean } = {},
): Sampling {
  const warnings: string[] = [];
  const file = readRulesFile(config.samplingRulesFile, warnings);
  const kind = config.sampler.replace(/^parentbased_/, '');
  if (kind === 'always_off') return { sampler: new AlwaysOffSampler(), deferral: undefined, warnings, stop() {} };

  const remote = kind === 'jaeger_remote' ? new JaegerRemoteSampler(config.jaegerRemote, serviceName) : undefined;
  const defaultRatio = file?.defaultRatio ?? (kind === 'traceidratio' ? config.samplerRatio : 1);
  const fallback = remote ?? annotate(probability(defaultRatio), 'ratio', undefined, defaultRatio);
  const rules = file ? fileRules(file, serviceName) : envRules(config.samplingRules, warnings);
  const roots = rules.length > 0 ? ruleBased([...rules, [() => true, fallback]]) : fallback;
  const parentBased = config.sampler.startsWith('parentbased_');
  const composite = new CompositeSampler(
    parentBased ? externalRootAware(new ComposableParentThreshold(roots), roots) : roots,
  );
  const head = parentBased && localParentFastPath ? new LocalParentSampler(composite) : composite;

  const keepErrors = file?.keepErrors ?? config.sampleErrors;
  const slowerThanMs = file?.keepSlowerThanMs ?? config.sampleSlowerThanMs;
  const deferral =
    keepErrors || slowerThanMs !== undefined
      ? {
          keepErrors,
          slowerThanMs,
          maxSpans: file?.buffer?.maxSpans ?? config.tailBuffer.maxSpans,
          ttlMs: file?.buffer?.ttlMs ?? config.tailBuffer.ttlMs,
        }
      : undefined;
  return {
    // A head sampler cannot see an error that has not happened yet: with keeping on, what it would drop is still
    // recorded (RECORD, not sampled), so DeferredDecisionProcessor can keep it once the local trace has ended. The
    // propagated sampled flag stays 0, so downstream services make the same deferred decision for their own part.
    sampler: deferral ? createAlwaysRecordSampler(head) : head,
    deferral,
    warnings,
    stop: () => remote?.stop(),
  };
}

/**
 * A parent that only stands in for a caller who gave us a trace id and no decision (X-Trace-ID, a correlation id)
 * is no parent for sampling: the span under it is sampled as a root, by the rules.
 */
function externalRootAware(parentBased: ComposableSampler, roots: ComposableSampler): ComposableSampler {
  return {
    getSamplingIntent: (parameters) =>
      (parameters.context.getValue(EXTERNAL_ROOT) ? roots : parentBased).getSamplingIntent(parameters),
    toString: () => `ExternalRootAware(${parentBased})`,
  };
}

function readRulesFile(path: string | undefined, warnings: string[]): RulesFile | undefined {
  if (!path) return undefined;
  // Loaded only when a rules file is set: its JSONC parser is 6 modules most apps never need at startup.
  const { loadRulesFile } = require('../config/rules-file') as typeof import('../config/rules-file');
  const result = loadRulesFile(path);
  if ('file' in result) return result.file;
  warnings.push(
    `OTEL_BOOTSTRAP_SAMPLING_RULES_FILE is invalid: ${result.error}; using OTEL_BOOTSTRAP_SAMPLING_RULES and the ` +
      'OTEL_BOOTSTRAP_SAMPLE_* variables instead.',
  );
  return undefined;
}

function envRules(value: string | undefined, warnings: string[]): Rule[] {
  if (!value) return [];
  const { rules, problems } = parseEndpointRules(value);
  warnings.push(...problems);
  return rules.map((rule) => [
    endpointPredicate(rule),
    annotate(probability(rule.ratio), 'rule', rule.text, rule.ratio),
  ]);
}

function fileRules(file: RulesFile, serviceName: string): Rule[] {
  return file.rules.flatMap((rule): Rule[] => {
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
