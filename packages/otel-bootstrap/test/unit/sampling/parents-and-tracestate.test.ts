import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { SamplingResult } from '@opentelemetry/sdk-trace';
import { DeferringSampler } from '../../../src/sampling/DeferringSampler';
import { httpStart, parentContext, samplingFrom } from './sampling-fixtures';

const tenPercent = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
// Randomness 0x00000000000001 is far below every threshold short of 100%: a root with it is never sampled at 10%.
const UNLUCKY = '0af7651916cd43dd8400000000000001';
// Randomness 0xffffffffffffff is above every threshold: a root with it is always sampled (except at 0%).
const LUCKY = '0af7651916cd43dd84ffffffffffffff';

function decide(env: Record<string, string>, traceId: string, context = ROOT_CONTEXT, path = '/api/x'): SamplingResult {
  return samplingFrom(env).sampler.shouldSample(context, traceId, 'GET', SpanKind.SERVER, httpStart('GET', path), []);
}

describe('parent-based decisions', () => {
  const off = { ...tenPercent, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' };

  it.each([
    ['remote', 'sampled', true, true, SamplingDecision.RECORD_AND_SAMPLED],
    ['remote', 'not sampled', true, false, SamplingDecision.NOT_RECORD],
    ['local', 'sampled', false, true, SamplingDecision.RECORD_AND_SAMPLED],
    ['local', 'not sampled', false, false, SamplingDecision.NOT_RECORD],
  ])('a %s %s parent decides for its child, whatever the ratio', (_where, _flag, remote, sampled, expected) => {
    // The trace id is unlucky for the 10% ratio, so only the parent can explain a sampled child; and a lucky one
    // cannot turn an unsampled parent's child into a sampled one.
    const traceId = sampled ? UNLUCKY : LUCKY;
    const context = parentContext({ sampled, remote, traceId });
    expect(decide(off, traceId, context).decision).toBe(expected);
  });

  it('applies rules to roots only: a child of a sampled parent is sampled even on a 0% path', () => {
    const env = { ...off, OTEL_BOOTSTRAP_SAMPLING_RULES: '/health=0' };
    const context = parentContext({ sampled: true, remote: true, traceId: LUCKY });
    expect(decide(env, LUCKY, context, '/health').decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(env, LUCKY, ROOT_CONTEXT, '/health').decision).toBe(SamplingDecision.NOT_RECORD);
  });

  it('records (without sampling) what it drops while error keeping is on, so the decision can come later', () => {
    // The SDK is told NOT_RECORD, so it makes no span of its own; the decision is handed over to start a pending
    // span, which error keeping decides later (sdk/pending-spans.ts).
    const deferredAfter = (env: Record<string, string>, traceId: string, context = ROOT_CONTEXT) => {
      const { sampler } = samplingFrom(env);
      const decision = sampler.shouldSample(context, traceId, 'GET', SpanKind.SERVER, httpStart('GET', '/x'), []);
      const deferred = sampler instanceof DeferringSampler ? sampler.takeDeferred() : undefined;
      return { decision: decision.decision, deferred: deferred !== undefined };
    };
    const recordedLater = { decision: SamplingDecision.NOT_RECORD, deferred: true };
    expect(deferredAfter(tenPercent, UNLUCKY)).toEqual(recordedLater);
    const unsampledParent = parentContext({ sampled: false, remote: true, traceId: LUCKY });
    expect(deferredAfter(tenPercent, LUCKY, unsampledParent)).toEqual(recordedLater);
    expect(deferredAfter(tenPercent, LUCKY)).toEqual({
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      deferred: false,
    });
    expect(deferredAfter({ OTEL_TRACES_SAMPLER: 'always_off' }, LUCKY)).toEqual({
      decision: SamplingDecision.NOT_RECORD,
      deferred: false,
    });
  });
});

describe('thresholds in tracestate', () => {
  it.each([
    ['0.1', 'e6666666666666'], // full 56-bit precision; the spec's examples round it to e666
    ['0.5', '8'],
    ['0.25', 'c'],
    ['1', '0'],
  ])('a root sampled at %s writes ot=th:%s', (ratio, th) => {
    const result = decide({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio }, LUCKY);
    expect(result.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(result.traceState?.serialize()).toBe(`ot=th:${th}`);
  });

  it('writes no threshold on a trace it does not sample', () => {
    const result = decide({ ...tenPercent, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }, UNLUCKY);
    expect(result.traceState?.get('ot')).toBeUndefined();
  });

  it("keeps other vendors' entries untouched", () => {
    const context = parentContext({ sampled: true, remote: true, traceId: LUCKY, traceState: 'vendor=abc,ot=th:8' });
    const result = decide(tenPercent, LUCKY, context);
    expect(result.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(result.traceState?.get('vendor')).toBe('abc');
    expect(result.traceState?.get('ot')).toBe('th:8');
  });

  it("respects the parent's threshold downstream, consistently with the trace id", () => {
    // th:8 is 50%. With a parent-threshold sampler the child keeps the parent's decision.
    const sampledParent = parentContext({ sampled: true, remote: true, traceId: LUCKY, traceState: 'ot=th:8' });
    expect(decide(tenPercent, LUCKY, sampledParent).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it.each([['ot=th:zz'], ['ot=th:123456789abcdef0'], ['ot=garbage']])(
    'ignores a malformed threshold (%s) and follows the sampled flag',
    (traceState) => {
      const sampled = parentContext({ sampled: true, remote: true, traceId: UNLUCKY, traceState });
      const result = decide({ ...tenPercent, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }, UNLUCKY, sampled);
      expect(result.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    },
  );

  it('says why a root was sampled', () => {
    const env = { ...tenPercent, OTEL_BOOTSTRAP_SAMPLING_RULES: '/api/payments/**=1' };
    expect(decide(env, UNLUCKY, ROOT_CONTEXT, '/api/payments/9').attributes).toEqual({
      'otel_bootstrap.sampling.reason': 'rule',
      'otel_bootstrap.sampling.rule': '/api/payments/**=1',
      'otel_bootstrap.sampling.ratio': 1,
    });
    expect(decide(env, LUCKY, ROOT_CONTEXT, '/other').attributes).toEqual({
      'otel_bootstrap.sampling.reason': 'ratio',
      'otel_bootstrap.sampling.ratio': 0.1,
    });
  });
});
