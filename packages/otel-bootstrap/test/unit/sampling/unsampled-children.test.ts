import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import type { Context, Span, SpanContext } from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import { setExternalTraceId } from '../../../src/propagation/external-trace-id';
import { decidesUnsampledChildrenAlike } from '../../../src/sampling/unsampled-children';
import { startSpansWithRandomFlag } from '../../../src/sdk/random-trace-flag';
import { RootTraceIdGenerator } from '../../../src/sdk/RootTraceIdGenerator';
import { startUnsampledChildrenWithoutSdk } from '../../../src/sdk/tracer-start-span';
import { httpStart, samplingFrom, traceIds } from './sampling-fixtures';

// Differential test: tracers that start unsampled local children without the SDK, against the SDK's own tracers with
// the same sampler, on parents of every kind: real root spans (sampled or not), remote and local stand-ins with and
// without extra trace flags and tracestate, grandchildren, suppressed tracing, `root: true` and an invalid parent.

function providerWith(sampler: Sampler, withoutSdk: boolean) {
  const started: string[] = [];
  const processor: SpanProcessor = {
    onStart: (span) => started.push(span.name),
    onEnd: () => {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  // Trace ids in the same order in both providers, so new traces (root: true, an invalid parent) compare too.
  let traces = 0;
  const idGenerator = new RootTraceIdGenerator({
    generateTraceId: () => (++traces).toString(16).padStart(32, '7'),
    generateSpanId: () =>
      Math.floor(Math.random() * 2 ** 48 + 1)
        .toString(16)
        .padStart(16, '0'),
  });
  const provider = new TracerProvider({ sampler, spanProcessors: [processor], idGenerator });
  // As install-sdk.ts does: the SDK's spans get W3C Level 2's random flag, and the shortcut is the outer path.
  startSpansWithRandomFlag(provider, idGenerator);
  if (withoutSdk) startUnsampledChildrenWithoutSdk(provider);
  return { tracer: provider.getTracer('test'), started };
}

/** What a span shows of itself, and whether it continues its parent's trace. */
const comparable = (span: Span, parent: Context) => {
  const { traceId, spanId, traceFlags, traceState, isRemote } = span.spanContext();
  return {
    recording: span.isRecording(),
    sameTrace: traceId === trace.getSpanContext(parent)?.traceId,
    newSpanId: spanId !== trace.getSpanContext(parent)?.spanId,
    invalidSpanId: spanId === INVALID_SPAN_CONTEXT.spanId,
    validSpanId: /^[0-9a-f]{16}$/.test(spanId),
    traceFlags,
    traceState: traceState?.serialize(),
    isRemote,
  };
};

const standIn = (parent: SpanContext, changes: Partial<SpanContext>): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { ...parent, ...changes });

const TEN = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };

describe('an unsampled local parent gets the same child with or without the SDK', () => {
  it.each([
    ['always on', { OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
    ['always off', { OTEL_TRACES_SAMPLER: 'always_off' }],
    ['10%', { ...TEN, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
    [
      'rules',
      {
        ...TEN,
        OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
        OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /api/payments*=1,GET /health=0,/api/*=0.5',
      },
    ],
  ])('%s', (_name, env) => {
    const { sampler } = samplingFrom(env as Record<string, string>);
    expect(decidesUnsampledChildrenAlike(sampler)).toBe(true);
    const roots = providerWith(sampler, false);
    const reference = providerWith(sampler, false);
    const shipped = providerWith(sampler, true);
    const nextTraceId = traceIds(20261202);
    let skipped = 0;

    for (let i = 0; i < 1500; i++) {
      const path = ['/api/payments', '/health', '/api/orders'][i % 3];
      const root = roots.tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: httpStart('GET', path) });
      const rootContext = root.spanContext();
      const traceState = new TraceState(`ot=th:${i % 16};rv:${nextTraceId().slice(0, 14)},vendor=${i}`);
      const parents: Context[] = [
        trace.setSpan(ROOT_CONTEXT, root),
        standIn(rootContext, { isRemote: true }),
        // X-Trace-ID: no parent, a trace id in the context for the root, sampled by the rules.
        setExternalTraceId(ROOT_CONTEXT, rootContext.traceId),
        standIn(rootContext, { isRemote: false, traceState }),
        standIn(rootContext, { traceFlags: TraceFlags.NONE }),
        standIn(rootContext, { traceFlags: rootContext.traceFlags | 0x2 }), // W3C level 2's random flag
        standIn(rootContext, { traceFlags: 0x2 }),
        suppressTracing(trace.setSpan(ROOT_CONTEXT, root)),
        trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT),
      ];
      for (const parent of parents) {
        for (const options of [
          { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
          { root: true },
        ]) {
          const expected = reference.tracer.startSpan('child', options, parent);
          const actual = shipped.tracer.startSpan('child', options, parent);
          expect(comparable(actual, parent)).toEqual(comparable(expected, parent));
          if (!actual.isRecording() && comparable(actual, parent).sameTrace) skipped++;
          // A grandchild, under the child each tracer made.
          const grandchild = (tracer: typeof shipped.tracer, child: Span) => {
            const childContext = trace.setSpan(ROOT_CONTEXT, child);
            return comparable(tracer.startSpan('grandchild', {}, childContext), childContext);
          };
          expect(grandchild(shipped.tracer, actual)).toEqual(grandchild(reference.tracer, expected));
        }
      }
      root.end();
    }
    // The same spans reached the processors.
    expect(shipped.started).toEqual(reference.started);
    // Always on has no unsampled root of its own, but the stand-ins without the sampled flag make the shortcut run.
    expect(skipped).toBeGreaterThan(0);
  });

  it.each([
    ['error keeping', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }],
    ['not parent-based', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }],
  ])('is not used with %s, where a child can be recorded under an unsampled parent', (_name, env) => {
    expect(decidesUnsampledChildrenAlike(samplingFrom(env).sampler)).toBe(false);
  });
});
