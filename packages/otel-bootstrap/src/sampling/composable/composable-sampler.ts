import type { Attributes, Context, Link, SpanContext, SpanKind } from '@opentelemetry/api';
import type { OtEntry } from './ot-trace-state';

/**
 * What a composable sampler is asked about a span: the arguments of `Sampler.shouldSample`, plus what the spec lets
 * the composite sampler work out once for all its delegates (the parent, its `ot` entry and the trace's randomness).
 * Read-only: a sampler passes the same object on to its delegates.
 */
export interface SamplingParameters {
  readonly context: Context;
  readonly traceId: string;
  readonly spanName: string;
  readonly spanKind: SpanKind;
  readonly attributes: Attributes;
  readonly links: readonly Link[];
  /** The parent span's context; `undefined` for a root (no parent, or an invalid one). */
  readonly parent: SpanContext | undefined;
  /** The parent's `ot` tracestate entry, parsed. */
  readonly ot: OtEntry;
  /** R: the parent's valid `rv`, else the trace id's rightmost 56 bits. */
  readonly randomness: bigint;
}

/**
 * A composable sampler's preference for a span (the spec's SamplingIntent). The composite sampler makes the
 * decision from it.
 */
export interface SamplingIntent {
  /** The rejection threshold; lower keeps more, 0 keeps all, `undefined` keeps none. */
  readonly threshold: bigint | undefined;
  /**
   * Whether the threshold is the span's real sampling probability (the spec's `adjusted_count_reliable`), so that
   * it may be written into tracestate as `th` and used to count spans.
   */
  readonly adjustedCountReliable: boolean;
  /** Attributes for the span. */
  readonly attributes?: Attributes;
}

/** A sampler that states an intent instead of deciding (the spec's ComposableSampler). */
export interface ComposableSampler {
  /** Says how this sampler would sample the span. Must not change `parameters`. */
  getSamplingIntent(parameters: SamplingParameters): SamplingIntent;
  /** A short description with the configuration, as `Sampler.toString`. */
  toString(): string;
}

/** Whether a rule of {@link ComposableRuleBased} applies to a span. */
export type SamplingPredicate = (parameters: SamplingParameters) => boolean;

/** A rule of {@link ComposableRuleBased}: the sampler to ask when the predicate holds. */
export type SamplingRule = readonly [SamplingPredicate, ComposableSampler];

/** The intent to keep nothing (the spec's ComposableAlwaysOff). */
export const DROP_INTENT: SamplingIntent = Object.freeze({ threshold: undefined, adjustedCountReliable: false });
