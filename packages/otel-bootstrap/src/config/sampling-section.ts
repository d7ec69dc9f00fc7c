/**
 * The effective sampling: the variables with the rules file merged over them, here and nowhere else, so the app
 * (sampling/create-sampling.ts) and `doctor` see the same thing.
 */

import type { ConfigWarning } from './config-warning';
import { parseEndpointRules } from './endpoint-rules';
import type { EndpointRule } from './endpoint-rules';
import type { ConfigValues } from './read-env';
import type { FileRule, RulesFile } from './rules-file';
import { jaegerRemoteSettings, samplerRatio } from './sampler-arg';
import type { JaegerRemoteSettings } from './sampler-arg';

/**
 * When to keep a trace the head sampler dropped: its spans are recorded, and once its local part has ended it is
 * kept if one of them is an error or its root was slow.
 */
export interface KeepConfig {
  /** Keep a trace whose local part has an error. */
  readonly errors: boolean;
  /** Errors that do not count for that: OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE. */
  readonly ignoredErrors: readonly IgnoredError[];
  /** Keep a trace whose local root took longer than this; undefined: latency never keeps one. */
  readonly slowerThanMs: number | undefined;
  /** The keep buffer: most ended spans held across undecided traces, and how long a trace waits for its last one. */
  readonly buffer: { readonly maxSpans: number; readonly ttlMs: number };
}

/** A kind of error that error keeping ignores (see OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE). */
export type IgnoredError = Exclude<ConfigValues['OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE'][number], 'none'>;

/** Root rules, first match wins: the rules file's when it is valid, else OTEL_BOOTSTRAP_SAMPLING_RULES's. */
export type SamplingRules =
  | { readonly from: 'file'; readonly list: readonly FileRule[] }
  | { readonly from: 'env'; readonly text: string | undefined; readonly list: readonly EndpointRule[] };

/** OTEL_BOOTSTRAP_SAMPLING_RULES_FILE as read: the settings it gave, or why it was ignored whole. */
export type RulesFileOutcome = { readonly path: string } & ({ readonly file: RulesFile } | { readonly error: string });

/** What sampling/ builds the head sampler and the keep processor from. */
export interface SamplingConfig {
  /** OTEL_TRACES_SAMPLER. */
  readonly sampler: ConfigValues['OTEL_TRACES_SAMPLER'];
  /**
   * The ratio of roots no rule matches: the rules file's `defaultRatio`, else OTEL_TRACES_SAMPLER_ARG for the
   * `*traceidratio` samplers, else 1. The `*jaeger_remote` samplers use Jaeger's strategy instead.
   */
  readonly ratio: number;
  readonly jaegerRemote: JaegerRemoteSettings;
  readonly rules: SamplingRules;
  /** Undefined when nothing is kept after the fact: `always_off`, or neither errors nor latency keep a trace. */
  readonly keep: KeepConfig | undefined;
  readonly rulesFile: RulesFileOutcome | undefined;
}

const RULES_FILE = 'OTEL_BOOTSTRAP_SAMPLING_RULES_FILE';

export function samplingSection(values: ConfigValues, warnings: ConfigWarning[]): SamplingConfig {
  const sampler = values.OTEL_TRACES_SAMPLER;
  const arg = values.OTEL_TRACES_SAMPLER_ARG;
  const isJaegerRemote = sampler.endsWith('jaeger_remote');
  const argRatio = isJaegerRemote ? 1 : samplerRatio(arg, warnings);
  const jaegerRemote = jaegerRemoteSettings(isJaegerRemote ? arg : undefined, warnings);
  const rulesFile = readRulesFile(values.OTEL_BOOTSTRAP_SAMPLING_RULES_FILE, warnings);
  const file = rulesFile && 'file' in rulesFile ? rulesFile.file : undefined;
  return {
    sampler,
    ratio: file?.defaultRatio ?? (sampler.endsWith('traceidratio') ? argRatio : 1),
    jaegerRemote,
    rules: file ? { from: 'file', list: file.rules } : envRules(values.OTEL_BOOTSTRAP_SAMPLING_RULES, warnings),
    keep: keepSection(values, file),
    rulesFile,
  };
}

/** Each setting from the rules file when it has it, else from its variable. */
function keepSection(values: ConfigValues, file: RulesFile | undefined): KeepConfig | undefined {
  const errors = file?.keepErrors ?? values.OTEL_BOOTSTRAP_KEEP_ERRORS;
  const slowerThanMs = file?.keepSlowerThanMs ?? values.OTEL_BOOTSTRAP_KEEP_SLOWER_THAN;
  // always_off records nothing, so nothing could be kept.
  if (values.OTEL_TRACES_SAMPLER.endsWith('always_off') || (!errors && slowerThanMs === undefined)) return undefined;
  const ignore = values.OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE;
  return {
    errors,
    ignoredErrors: ignore.includes('none') ? [] : ignore.filter((kind) => kind !== 'none'),
    slowerThanMs,
    buffer: {
      maxSpans: file?.keepBuffer?.maxSpans ?? values.OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS,
      ttlMs: file?.keepBuffer?.ttlMs ?? values.OTEL_BOOTSTRAP_KEEP_BUFFER_TTL,
    },
  };
}

function readRulesFile(path: string | undefined, warnings: ConfigWarning[]): RulesFileOutcome | undefined {
  if (!path) return undefined;
  // Loaded only when a rules file is set: most apps have none, and its JSONC parser would only add to their startup
  // (bench/findings.md, "Startup, modules").
  const { loadRulesFile } = require('./rules-file') as typeof import('./rules-file');
  const result = loadRulesFile(path);
  if ('error' in result) {
    warnings.push({
      key: RULES_FILE,
      message:
        `${RULES_FILE} is invalid: ${result.error}; using OTEL_BOOTSTRAP_SAMPLING_RULES and the ` +
        'OTEL_BOOTSTRAP_KEEP_* variables instead.',
    });
    return { path, error: result.error };
  }
  warnings.push(...(result.warnings ?? []));
  return { path, file: result.file };
}

function envRules(text: string | undefined, warnings: ConfigWarning[]): SamplingRules {
  if (!text) return { from: 'env', text, list: [] };
  const { rules, problems } = parseEndpointRules(text);
  warnings.push(...problems.map((message) => ({ key: 'OTEL_BOOTSTRAP_SAMPLING_RULES', message })));
  return { from: 'env', text, list: rules };
}
