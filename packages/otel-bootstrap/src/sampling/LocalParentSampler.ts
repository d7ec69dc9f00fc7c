import { trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { isValidSpanContext } from '../propagation/valid-span-context';

/**
 * A child of a span from this process takes its parent's decision and tracestate as they are. The composite sampler
 * reaches the same result (test/unit/sampling/local-parent.test.ts compares the two on thousands of traces), but
 * parses the parent's `ot=th:` value for every span and serializes that tracestate again at export, which stood out
 * in a profile of the in-process span pipeline; composable/, written from the spec since, is no faster at it
 * (bench/findings.md, "Where the rest goes at 100%").
 * Only for the `parentbased_*` samplers; remote parents and roots (X-Trace-ID ones too) still go to the full sampler.
 */
export class LocalParentSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent && !parent.isRemote && isValidSpanContext(parent)) {
      const sampled = (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
      return {
        decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
        traceState: parent.traceState,
      };
    }
    return this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `LocalParentSampler(${this.delegate.toString()})`;
  }
}
