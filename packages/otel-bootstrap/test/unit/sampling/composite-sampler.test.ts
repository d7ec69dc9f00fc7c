import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { SamplingResult } from '@opentelemetry/sdk-trace';
import {
  ComposableAnnotating,
  ComposableParentThreshold,
  ComposableProbability,
  ComposableRuleBased,
  CompositeSampler,
  DROP_INTENT,
} from '../../../src/sampling/composable';
import type { ComposableSampler, SamplingIntent } from '../../../src/sampling/composable';
import { parentContext } from './sampling-fixtures';

// Trace ids chosen for their rightmost 56 bits, the randomness R when there is no rv.
const R_ZERO = '4bf92f3577b34da6a300000000000000'; // R = 0: only th:0 keeps it
const R_HALF = '4bf92f3577b34da6a380000000000000'; // R = 2^55: kept at 50% (th:8), dropped at 25% (th:c)
const R_MAX = '4bf92f3577b34da6a3ffffffffffffff'; // R = 2^56 − 1: kept by every threshold

const fixed = (intent: SamplingIntent): ComposableSampler => ({ getSamplingIntent: () => intent, toString: () => '' });

function decide(sampler: ComposableSampler, traceId: string, context: Context = ROOT_CONTEXT): SamplingResult {
  return new CompositeSampler(sampler).shouldSample(context, traceId, 'GET', SpanKind.SERVER, {}, []);
}

const sampled = (result: SamplingResult) => result.decision === SamplingDecision.RECORD_AND_SAMPLED;
const parentBased = new ComposableParentThreshold(new ComposableProbability(0.1));
/** A remote parent in trace R_MAX with this flag and tracestate. */
const parent = (isSampled: boolean, traceState: string, traceId = R_MAX) =>
  parentContext({ sampled: isSampled, remote: true, traceId, traceState });

describe('roots: R >= T, with R from the trace id', () => {
  it.each([
    [0.5, R_HALF, true, 'ot=th:8'],
    [0.25, R_HALF, false, undefined],
    [0.25, R_MAX, true, 'ot=th:c'],
    [1, R_ZERO, true, 'ot=th:0'],
    [0.000001, R_ZERO, false, undefined],
  ])('at %d, trace %s: sampled %s, tracestate %s', (ratio, traceId, expected, traceState) => {
    const result = decide(new ComposableProbability(ratio), traceId);
    expect(sampled(result)).toBe(expected);
    expect(result.traceState?.serialize()).toBe(traceState);
  });

  it('keeps nothing at 0, whatever the trace id', () => {
    expect(sampled(decide(new ComposableProbability(0), R_MAX))).toBe(false);
  });
});

describe('rv, the explicit randomness', () => {
  it('decides instead of the trace id, and is passed on unchanged', () => {
    const half = new ComposableProbability(0.5);
    const lucky = decide(half, R_ZERO, parent(false, 'ot=rv:80000000000000'));
    expect(sampled(lucky)).toBe(true);
    expect(lucky.traceState?.serialize()).toBe('ot=th:8;rv:80000000000000');
    const unlucky = decide(half, R_MAX, parent(false, 'ot=rv:7fffffffffffff'));
    expect(sampled(unlucky)).toBe(false);
    expect(unlucky.traceState?.serialize()).toBe('ot=rv:7fffffffffffff');
  });

  it("keeps the spec's example, rv:6e6d1a75832a2f, at thresholds up to 0x6e6d1a75832a2f", () => {
    const context = parent(false, 'ot=rv:6e6d1a75832a2f', R_ZERO);
    const at = (threshold: bigint) => decide(fixed({ threshold, adjustedCountReliable: true }), R_ZERO, context);
    expect(sampled(at(0x6e6d1a75832a2fn))).toBe(true);
    expect(sampled(at(0x6e6d1a75832a30n))).toBe(false);
    expect(sampled(at(0n))).toBe(true);
  });

  it('is ignored when malformed, and the trace id decides', () => {
    const result = decide(new ComposableProbability(0.5), R_MAX, parent(false, 'ot=rv:00000000000'));
    expect(sampled(result)).toBe(true);
    expect(result.traceState?.serialize()).toBe('ot=th:8;rv:00000000000'); // not ours to repair
  });
});

describe("a parent's threshold", () => {
  it('is passed on when valid and consistent, in the same tracestate object', () => {
    const context = parent(true, 'ot=th:8,vendor=abc');
    const result = decide(parentBased, R_MAX, context);
    expect(sampled(result)).toBe(true);
    expect(result.traceState).toBe(trace.getSpanContext(context)?.traceState);
    expect(result.traceState?.serialize()).toBe('ot=th:8,vendor=abc');
  });

  it('is erased when the trace randomness contradicts it, and the sampled flag decides', () => {
    // th:8 rejects R < 2^55, yet the parent is sampled with rv 1: someone sampled it some other way.
    const result = decide(parentBased, R_MAX, parent(true, 'ot=th:8;rv:00000000000001'));
    expect(sampled(result)).toBe(true);
    expect(result.traceState?.serialize()).toBe('ot=rv:00000000000001');
  });

  it.each([['th:zz;x:1'], ['th:C;x:1'], ['th:;x:1'], ['th:123456789abcdef0;x:1'], ['x:1;th:0x8']])(
    'is erased when malformed (ot=%s), keeping the other sub-keys',
    (ot) => {
      const result = decide(parentBased, R_ZERO, parent(true, `ot=${ot}`, R_ZERO));
      expect(sampled(result)).toBe(true);
      expect(result.traceState?.get('ot')).toBe('x:1');
    },
  );

  it('does not sample a child of an unsampled parent, and removes a stale th with the ot entry it leaves empty', () => {
    const result = decide(parentBased, R_MAX, parent(false, 'vendor=abc,ot=th:0'));
    expect(sampled(result)).toBe(false);
    expect(result.traceState?.serialize()).toBe('vendor=abc');
  });

  it('gives a sampled parent without th a sampled child without th', () => {
    const result = decide(parentBased, R_ZERO, parent(true, 'vendor=abc', R_ZERO));
    expect(sampled(result)).toBe(true);
    expect(result.traceState?.serialize()).toBe('vendor=abc');
  });

  it('leaves th out when it would take the ot entry past 256 characters', () => {
    const long = `x:${'a'.repeat(250)}`;
    const result = decide(new ComposableProbability(0.5), R_MAX, parent(false, `ot=${long}`));
    expect(sampled(result)).toBe(true);
    expect(result.traceState?.get('ot')).toBe(long);
  });
});

describe('rules, annotations and unreliable thresholds', () => {
  it('asks the first matching rule, and drops when none matches', () => {
    const rules = new ComposableRuleBased([
      [({ spanName }) => spanName === 'health', new ComposableProbability(0)],
      [({ spanKind }) => spanKind === SpanKind.SERVER, new ComposableProbability(1)],
    ]);
    const start = (name: string, kind: SpanKind) =>
      new CompositeSampler(rules).shouldSample(ROOT_CONTEXT, R_MAX, name, kind, {}, []);
    expect(sampled(start('health', SpanKind.SERVER))).toBe(false);
    expect(sampled(start('GET', SpanKind.SERVER))).toBe(true);
    expect(sampled(start('job', SpanKind.INTERNAL))).toBe(false);
  });

  it('returns the attributes whatever the decision, the outer ones winning', () => {
    const inner = new ComposableAnnotating(new ComposableProbability(0.25), { rule: 'inner', ratio: 0.25 });
    const outer = new ComposableAnnotating(inner, { rule: 'outer' });
    expect(decide(outer, R_MAX).attributes).toEqual({ rule: 'outer', ratio: 0.25 });
    expect(decide(outer, R_ZERO).attributes).toEqual({ rule: 'outer', ratio: 0.25 });
    expect(decide(fixed(DROP_INTENT), R_MAX).attributes).toBeUndefined();
  });

  it('compares an unreliable threshold above 0 with fresh randomness, and writes no th', () => {
    const half = fixed({ threshold: 1n << 55n, adjustedCountReliable: false });
    const results = Array.from({ length: 2000 }, () => decide(half, R_MAX)); // the trace's own R would keep all
    expect(results.filter((result) => result.traceState !== undefined)).toEqual([]);
    const hits = results.filter(sampled).length;
    expect(hits / 2000).toBeGreaterThan(0.4);
    expect(hits / 2000).toBeLessThan(0.6);
  });
});
