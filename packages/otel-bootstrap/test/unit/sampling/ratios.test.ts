import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { httpStart, isSampled, samplingFrom, traceIds } from './sampling-fixtures';

const N = 20_000;

/** True when `hits` of `n` lies within 4 standard deviations of ratio·n. */
function withinFourSigma(hits: number, n: number, ratio: number): boolean {
  const sd = Math.sqrt(n * ratio * (1 - ratio));
  return Math.abs(hits - n * ratio) <= 4 * sd;
}

describe('per-endpoint ratios over 20,000 random roots each', () => {
  const { sampler } = samplingFrom({
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
    OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health*=0; /api/payments/**=1; POST /api/orders=0.5',
  });

  it.each([
    ['GET', '/health', 0],
    ['GET', '/healthz', 0],
    ['POST', '/api/payments/charge', 1],
    ['GET', '/api/payments', 1],
    ['POST', '/api/orders', 0.5],
    ['GET', '/api/orders', 0.1], // the method does not match the rule: the default ratio applies
    ['GET', '/api/users/7', 0.1],
    ['POST', '/health', 0.1], // "GET /health*" only
  ])('%s %s is sampled at %d', (method, path, ratio) => {
    const nextId = traceIds(42);
    let hits = 0;
    for (let i = 0; i < N; i++) if (isSampled(sampler, nextId(), httpStart(method, path))) hits++;
    if (ratio === 0 || ratio === 1) expect(hits).toBe(ratio * N);
    else expect(withinFourSigma(hits, N, ratio)).toBe(true);
  });

  it('uses 1 for unmatched roots when OTEL_TRACES_SAMPLER_ARG is unset', () => {
    const { sampler: noArg } = samplingFrom({ OTEL_BOOTSTRAP_SAMPLING_RULES: '/api/payments/**=0' });
    const nextId = traceIds(7);
    for (let i = 0; i < 1000; i++) {
      expect(isSampled(noArg, nextId(), httpStart('GET', '/other'))).toBe(true);
      expect(isSampled(noArg, nextId(), httpStart('GET', '/api/payments/1'))).toBe(false);
    }
  });

  it("applies the rules before Jaeger's strategy, which decides only unmatched roots", () => {
    // No Jaeger answers on this port, so the strategy is the initial rate, 1: only the rule can drop a root.
    const { sampler: remote, stop } = samplingFrom({
      OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://127.0.0.1:9/sampling,initialSamplingRate=1',
      OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health=0',
    });
    const nextId = traceIds(11);
    for (let i = 0; i < 1000; i++) {
      expect(isSampled(remote, nextId(), httpStart('GET', '/health'))).toBe(false);
      expect(isSampled(remote, nextId(), httpStart('POST', '/orders'))).toBe(true);
    }
    stop();
  });

  it('applies the plain traceidratio sampler at its ratio', () => {
    const { sampler: ratio } = samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    const nextId = traceIds(9);
    let hits = 0;
    for (let i = 0; i < N; i++) {
      const id = nextId();
      if (
        ratio.shouldSample(ROOT_CONTEXT, id, 'job', SpanKind.INTERNAL, {}, []).decision ===
        SamplingDecision.RECORD_AND_SAMPLED
      )
        hits++;
    }
    expect(withinFourSigma(hits, N, 0.25)).toBe(true);
  });
});

describe('consistency', () => {
  it('gives the same decision for the same trace id in every sampler instance (every process)', () => {
    const env = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.3' };
    const first = samplingFrom(env).sampler;
    const second = samplingFrom(env).sampler;
    const nextId = traceIds(1234);
    let sampled = 0;
    for (let i = 0; i < 5000; i++) {
      const id = nextId();
      const decision = isSampled(first, id, httpStart('GET', '/x'));
      expect(isSampled(second, id, httpStart('GET', '/y'))).toBe(decision);
      if (decision) sampled++;
    }
    expect(sampled).toBeGreaterThan(0);
  });

  it('samples at a lower ratio only traces that a higher ratio also samples', () => {
    const low = samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).sampler;
    const high = samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }).sampler;
    const nextId = traceIds(99);
    for (let i = 0; i < 5000; i++) {
      const id = nextId();
      if (isSampled(low, id, {})) expect(isSampled(high, id, {})).toBe(true);
    }
  });

  it('decides by the last 56 bits of the trace id', () => {
    const { sampler } = samplingFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    // Threshold for 0.5 is 2^55: randomness at or above it is sampled, whatever the first 72 bits say.
    expect(isSampled(sampler, 'ffffffffffffffffff80000000000000', {})).toBe(true);
    expect(isSampled(sampler, '000000000000000000ffffffffffffff', {})).toBe(true);
    expect(isSampled(sampler, 'ffffffffffffffffff7fffffffffffff', {})).toBe(false);
    expect(isSampled(sampler, '0000000000000000000000000000abcd', {})).toBe(false);
  });
});
