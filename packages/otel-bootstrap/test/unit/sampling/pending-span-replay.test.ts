import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Span, SpanOptions } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanLimits } from '@opentelemetry/sdk-trace';
import { readConfig } from '../../../src/config/read-config';
import { createSampling } from '../../../src/sampling/create-sampling';
import { DeferredDecisionProcessor } from '../../../src/sampling/DeferredDecisionProcessor';
import { DeferringSampler } from '../../../src/sampling/DeferringSampler';
import { PendingSpan } from '../../../src/sampling/PendingSpan';
import { startPendingSpans } from '../../../src/sdk/pending-spans';
import { RootTraceIdGenerator } from '../../../src/sdk/RootTraceIdGenerator';

/**
 * A differential test: spans of an unsampled trace that error keeping keeps are recorded as PendingSpans and made into
 * SDK spans only when kept (sdk/pending-spans.ts). Each kept span must be what the SDK itself records for the same
 * calls, ids, times and limits: the same scenario runs on a pending span (kept, since its trace ends in an error) and
 * on a span of a plain SDK TracerProvider that samples everything, and the exported spans are compared field by field.
 *
 *   GET /kept (pending root; ends ERROR, so the trace is kept)
 *   └── scenario span (a pending child, or the root itself)
 */
const LIMITS: SpanLimits = {
  attributeCountLimit: 6,
  attributeValueLengthLimit: 12,
  eventCountLimit: 3,
  linkCountLimit: 2,
  attributePerEventCountLimit: 2,
  attributePerLinkCountLimit: 1,
};
const T0 = 1_760_000_000_000; // epoch milliseconds
const LINK = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
const LINK2 = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 0 };

type Scenario = [string, SpanOptions, (span: Span) => void];
const SCENARIOS: Scenario[] = [
  [
    'attributes: at start, set later, undefined, invalid, empty key, over the count and length limits',
    { attributes: { a: 'short', long: 'x'.repeat(40), list: ['one', 'twotwotwotwotwo'], bad: {} as never, '': 1 } },
    (span) => {
      span.setAttribute('b', 2);
      span.setAttribute('c', undefined as never);
      span.setAttributes({ d: true, e: 'e', f: 'f', g: 'g' });
      span.setAttribute('a', 'changed');
    },
  ],
  [
    'events: with attributes and a time, a time alone, exceptions, one unrecordable, past the event limit',
    {},
    (span) => {
      span.addEvent('first', { k1: 'v', k2: 'w', k3: 'dropped' }, T0 + 1);
      span.addEvent('second', T0 + 2);
      span.recordException(Object.assign(new Error('boom'), { code: 'E_BOOM' }), T0 + 3);
      span.recordException('a plain string', T0 + 4);
      span.recordException({} as Error, T0 + 5);
      span.addEvent('fifth', new Date(T0 + 6));
    },
  ],
  [
    'links at start and later, past the link limit, with attributes',
    { links: [{ context: LINK, attributes: { l1: 'x', l2: 'y' } }] },
    (span) => span.addLinks([{ context: LINK2 }, { context: LINK, attributes: { l3: 3 } }]),
  ],
  [
    'status and name: OK is final, UNSET ignored, a new name',
    { kind: SpanKind.CLIENT },
    (span) => {
      span.setStatus({ code: SpanStatusCode.UNSET });
      span.setStatus({ code: SpanStatusCode.OK, message: 'dropped for OK' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
      span.updateName('renamed');
    },
  ],
  [
    'an ERROR status with its message, and calls after end that change nothing',
    { kind: SpanKind.PRODUCER, startTime: new Date(T0) },
    (span) => span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' }),
  ],
];

function keptPipeline() {
  const { config } = readConfig({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
  const sampling = createSampling(config.sampling, 'svc');
  if (!sampling.keep || !(sampling.sampler instanceof DeferringSampler)) throw new Error('expected error keeping');
  const exporter = new InMemorySpanExporter();
  const keeper = new DeferredDecisionProcessor(new SimpleSpanProcessor({ exporter }), sampling.keep);
  const ids = new RootTraceIdGenerator();
  const provider = new TracerProvider({
    sampler: sampling.sampler,
    idGenerator: ids,
    spanLimits: LIMITS,
    spanProcessors: [keeper],
  });
  startPendingSpans(provider, { sampler: sampling.sampler, ids, keeper });
  return { tracer: provider.getTracer('scope', '1.0'), exporter };
}

function referencePipeline() {
  const exporter = new InMemorySpanExporter();
  const ids = new RootTraceIdGenerator();
  const provider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    idGenerator: ids,
    spanLimits: LIMITS,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  return { tracer: provider.getTracer('scope', '1.0'), ids, exporter };
}

/** Runs the scenario on `span` with explicit times, then ends it and tries to change it after the end. */
function play(span: Span, act: (span: Span) => void): void {
  act(span);
  span.end(T0 + 10);
  span.setAttribute('after', 'end');
  span.addEvent('after end');
}

/** What an exporter reads of a span, in plain values. */
function shape(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    sampled: span.spanContext().traceFlags & TraceFlags.SAMPLED,
    parent: span.parentSpanContext?.spanId,
    attributes: span.attributes,
    events: span.events.map((e) => ({ ...e, time: hrTimeToNanoseconds(e.time) })),
    links: span.links,
    status: span.status,
    start: hrTimeToNanoseconds(span.startTime),
    end: hrTimeToNanoseconds(span.endTime),
    duration: span.duration,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    scope: span.instrumentationScope,
  };
}

function sdkTwin(reference: ReturnType<typeof referencePipeline>, pending: PendingSpan, options: SpanOptions): Span {
  const { traceId, spanId } = pending.spanContext();
  const parent = pending.parentSpanContext;
  const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  return reference.ids.withIds(traceId, spanId, () => reference.tracer.startSpan('scenario', options, parentContext));
}

beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => context.disable());

describe('a kept pending span', () => {
  it.each(SCENARIOS)('is the span the SDK records: %s', (_what, options, act) => {
    const kept = keptPipeline();
    const reference = referencePipeline();
    const root = kept.tracer.startSpan('GET /kept', { kind: SpanKind.SERVER, startTime: T0 });
    const pending = kept.tracer.startSpan('scenario', { startTime: T0, ...options }, trace.setSpan(ROOT_CONTEXT, root));
    expect(pending).toBeInstanceOf(PendingSpan);
    const twin = sdkTwin(reference, pending as PendingSpan, { startTime: T0, ...options });
    play(pending, act);
    play(twin, act);
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end(T0 + 20);

    const exported = kept.exporter
      .getFinishedSpans()
      .find((s) => s.spanContext().spanId === pending.spanContext().spanId);
    expect(exported).toBeDefined();
    expect(shape(exported as ReadableSpan)).toEqual(shape(reference.exporter.getFinishedSpans()[0]));
  });

  it('never throws into the app when making the SDK span fails', () => {
    const { config } = readConfig({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    const sampling = createSampling(config.sampling, 'svc');
    if (!sampling.keep || !(sampling.sampler instanceof DeferringSampler)) throw new Error('expected error keeping');
    const failing = new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() });
    failing.onStart = () => {
      throw new Error('a processor that fails');
    };
    const keeper = new DeferredDecisionProcessor(failing, sampling.keep);
    const ids = new RootTraceIdGenerator();
    const provider = new TracerProvider({ sampler: sampling.sampler, idGenerator: ids, spanProcessors: [keeper] });
    startPendingSpans(provider, { sampler: sampling.sampler, ids, keeper });
    const root = provider.getTracer('scope').startSpan('GET /kept', { kind: SpanKind.SERVER });
    root.setStatus({ code: SpanStatusCode.ERROR });
    expect(() => root.end()).not.toThrow();
    expect(keeper.stats()).toMatchObject({ keptTraces: 1 });
  });

  it('has the times the SDK would give it when the app gives none: a start, then a monotonic clock', () => {
    const kept = keptPipeline();
    const before = Date.now();
    const root = kept.tracer.startSpan('GET /kept', { kind: SpanKind.SERVER });
    root.addEvent('mid');
    root.recordException(new Error('boom'));
    root.end();
    const after = Date.now();
    const [span] = kept.exporter.getFinishedSpans();
    const ms = (time: [number, number]) => hrTimeToNanoseconds(time) / 1e6;
    // The SDK's clock is performance.timeOrigin + performance.now(), which can sit a fraction of a millisecond off
    // Date.now(): 1 ms of slack either side.
    expect(ms(span.startTime)).toBeGreaterThanOrEqual(before - 1);
    expect(ms(span.endTime)).toBeLessThanOrEqual(after + 1);
    expect(span.events.map((e) => ms(e.time))).toEqual([...span.events.map((e) => ms(e.time))].sort());
    expect(ms(span.events[0].time)).toBeGreaterThanOrEqual(ms(span.startTime));
    expect(ms(span.endTime)).toBeGreaterThanOrEqual(ms(span.events[1].time));
    expect(span.attributes['otel_bootstrap.sampling.reason']).toBe('error');
  });
});
