import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { ComposableAlwaysOn, CompositeSampler } from '../../../src/sampling/composable';
import { RateLimitingSampler } from '../../../src/sampling/RateLimitingSampler';
import { traceIds } from './sampling-fixtures';

describe('RateLimitingSampler', () => {
  it('samples at most the rate per second, refilling with time', () => {
    let now = 0;
    const sampler = new CompositeSampler(new RateLimitingSampler(new ComposableAlwaysOn(), 5, () => now));
    const nextId = traceIds(3);
    const sampledIn = (count: number) => {
      let hits = 0;
      for (let i = 0; i < count; i++) {
        const result = sampler.shouldSample(ROOT_CONTEXT, nextId(), 'GET', SpanKind.SERVER, {}, []);
        if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) hits++;
      }
      return hits;
    };
    expect(sampledIn(100)).toBe(5); // a burst: one second's worth
    now += 1000;
    expect(sampledIn(100)).toBe(5);
    now += 200;
    expect(sampledIn(100)).toBe(1);
  });

  it('writes no threshold, since a rate-limited decision is not a probability', () => {
    const sampler = new CompositeSampler(new RateLimitingSampler(new ComposableAlwaysOn(), 100));
    const result = sampler.shouldSample(ROOT_CONTEXT, traceIds(4)(), 'GET', SpanKind.SERVER, {}, []);
    expect(result.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(result.traceState?.get('ot')).toBeUndefined();
  });
});
