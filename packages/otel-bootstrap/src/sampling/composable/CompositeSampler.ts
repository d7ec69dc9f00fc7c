import { trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import type { ComposableSampler, SamplingIntent, SamplingParameters } from './composable-sampler';
import { readOtEntry, withThreshold } from './ot-trace-state';
import { freshRandomness, KEEP_ALL, traceIdRandomness } from './threshold';
import { isValidSpanContext } from '../../propagation/valid-span-context';

/**
 * The SDK `Sampler` over a {@link ComposableSampler} (the spec's CompositeSampler): it asks the delegate for its
 * intent, keeps the span when the trace's randomness R is at least the threshold, and keeps `ot=th:` in tracestate
 * true: the threshold when the span is sampled with a reliable one, no `th` otherwise.
 *
 * Two choices the spec leaves open, or that differ from its text:
 * - The intent's attributes are returned whatever the decision. With keeping on, the spans this sampler drops are
 *   still recorded, and a trace kept later for an error must still say which rule and ratio applied to it.
 * - The spec compares an unreliable threshold with fresh randomness. Ours do that too, but only when it matters:
 *   an unreliable threshold of 0 (a sampled parent without `th`, a rate limiter letting a span through) keeps the
 *   span whatever R is, so no random number is drawn for it.
 */
export class CompositeSampler implements Sampler {
  constructor(private readonly delegate: ComposableSampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parentContext = trace.getSpanContext(context);
    const parent = parentContext && isValidSpanContext(parentContext) ? parentContext : undefined;
    const ot = readOtEntry(parent?.traceState);
    const randomness = ot.randomness ?? traceIdRandomness(traceId);
    const parameters: SamplingParameters = {
      context,
      traceId,
      spanName,
      spanKind,
      attributes,
      links,
      parent,
      ot,
      randomness,
    };
    const intent = this.delegate.getSamplingIntent(parameters);
    const sampled = keeps(intent, randomness);
    const threshold = sampled && intent.adjustedCountReliable ? intent.threshold : undefined;
    return {
      decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
      attributes: intent.attributes,
      traceState: withThreshold(parent?.traceState, ot, threshold),
    };
  }

  toString(): string {
    return `CompositeSampler(${this.delegate})`;
  }
}

/** The spec's decision: R >= T, with R the trace's when T is reliable and a fresh one when it is not. */
function keeps(intent: SamplingIntent, traceRandomness: bigint): boolean {
  const { threshold } = intent;
  if (threshold === undefined) return false;
  if (threshold === KEEP_ALL) return true;
  return (intent.adjustedCountReliable ? traceRandomness : freshRandomness()) >= threshold;
}
