import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace';
import { readConfig } from '../../../src/config/read-config';
import { createSampling } from '../../../src/sampling/create-sampling';
import { httpStart, traceIds } from './sampling-fixtures';

// Differential test for LocalParentSampler: the shipped sampler, which takes a local parent's decision and
// tracestate as they are, against the same configuration built without that shortcut. Each trace is a root on one
// of three paths, a child, a grandchild and a child of a remote parent, all decided by both.

function samplers(env: Record<string, string>): { shipped: Sampler; reference: Sampler } {
  const { config } = readConfig(env);
  return {
    shipped: createSampling(config.sampling, 'checkout').sampler,
    reference: createSampling(config.sampling, 'checkout', { localParentFastPath: false }).sampler,
  };
}

const asParent = (traceId: string, spanId: string, result: SamplingResult, isRemote: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    isRemote,
    traceState: result.traceState,
    traceFlags: result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
  });

const comparable = (r: SamplingResult) => [r.decision, r.traceState?.serialize(), r.attributes];

const TEN = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };

describe('a local parent decides for its child exactly as the composite sampler would', () => {
  it.each([
    ['always on', {}],
    ['10%', { ...TEN, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
    ['10% with error keeping', TEN],
    ['rules', { ...TEN, OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /api/payments*=1,GET /health=0,/api/*=0.5' }],
    ['not parent-based, 10%', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }],
  ])('%s', (_name, env) => {
    const { shipped, reference } = samplers(env as Record<string, string>);
    const nextTraceId = traceIds(20261202);
    const decisions = new Set<SamplingDecision>();
    for (let i = 0; i < 2000; i++) {
      const traceId = nextTraceId();
      const start = httpStart('GET', ['/api/payments', '/health', '/api/orders'][i % 3]);
      const root = reference.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, start, []);
      expect(comparable(shipped.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, start, []))).toEqual(
        comparable(root),
      );
      decisions.add(root.decision);
      for (const remote of [false, true]) {
        const parent = asParent(traceId, 'b7ad6b7169203331', root, remote);
        const child = reference.shouldSample(parent, traceId, 'child', SpanKind.CLIENT, {}, []);
        expect(comparable(shipped.shouldSample(parent, traceId, 'child', SpanKind.CLIENT, {}, []))).toEqual(
          comparable(child),
        );
        const grandparent = asParent(traceId, '00f067aa0ba902b7', child, false);
        expect(comparable(shipped.shouldSample(grandparent, traceId, 'grandchild', SpanKind.INTERNAL, {}, []))).toEqual(
          comparable(reference.shouldSample(grandparent, traceId, 'grandchild', SpanKind.INTERNAL, {}, [])),
        );
      }
    }
    // Each configuration but always-on sees both outcomes, so both branches of the shortcut are compared.
    expect(decisions.size).toBe(Object.keys(env).length === 0 ? 1 : 2);
  });
});
