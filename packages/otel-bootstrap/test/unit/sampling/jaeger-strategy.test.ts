import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { CompositeSampler } from '../../../src/sampling/composable';
import { strategySampler } from '../../../src/sampling/JaegerRemoteSampler';
import { httpStart, traceIds } from './sampling-fixtures';

function sampledFraction(strategy: object, method: string, path: string, n = 2000): number {
  const sampler = new CompositeSampler(strategySampler(strategy));
  const nextId = traceIds(11);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const result = sampler.shouldSample(ROOT_CONTEXT, nextId(), method, SpanKind.SERVER, httpStart(method, path), []);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) hits++;
  }
  return hits / n;
}

describe("Jaeger's sampling strategies", () => {
  it('applies a per-operation strategy by method and path at span start (the span name is only "GET")', () => {
    const strategy = {
      strategyType: 'PROBABILISTIC',
      operationSampling: {
        defaultSamplingProbability: 0,
        perOperationStrategies: [{ operation: 'GET /api/payments', probabilisticSampling: { samplingRate: 1 } }],
      },
    };
    expect(sampledFraction(strategy, 'GET', '/api/payments')).toBe(1);
    expect(sampledFraction(strategy, 'POST', '/api/payments')).toBe(0);
    expect(sampledFraction(strategy, 'GET', '/api/orders')).toBe(0);
  });

  it('applies a probabilistic strategy', () => {
    const fraction = sampledFraction(
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } },
      'GET',
      '/x',
    );
    expect(fraction).toBeGreaterThan(0.45);
    expect(fraction).toBeLessThan(0.55);
  });

  it('applies a ratelimiting strategy, in either spelling of its type', () => {
    for (const strategyType of ['RATE_LIMITING', 1]) {
      const fraction = sampledFraction(
        { strategyType, rateLimitingSampling: { maxTracesPerSecond: 3 } },
        'GET',
        '/x',
        100,
      );
      expect(fraction).toBe(0.03);
    }
  });

  it('rejects a response that is not a strategy', () => {
    expect(() => strategySampler({})).toThrow('not a sampling strategy');
    expect(() => strategySampler({ strategyType: 'RATE_LIMITING' })).toThrow('without a rate');
  });
});
