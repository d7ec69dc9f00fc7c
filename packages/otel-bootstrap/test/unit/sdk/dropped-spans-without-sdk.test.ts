import { createTraceState, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context, Link, SpanContext } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { SamplingDecision, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, Sampler, SamplingResult, SpanProcessor } from '@opentelemetry/sdk-trace';
import { CleanOnceSampler } from '../../../src/sdk/attributes-cleaned-once';
import { startDroppedSpansWithoutSdk } from '../../../src/sdk/dropped-spans-without-sdk';
import { RootTraceIdGenerator } from '../../../src/sdk/RootTraceIdGenerator';

/**
 * A differential test: each start runs on a plain SDK provider and on one where the sampler is asked first and a
 * dropped span is made without the SDK (sdk/dropped-spans-without-sdk.ts), under the same sampler. The sampler must be
 * asked the same question once, and the span must carry what the SDK's would: the trace id the sampler was asked
 * about, the parent's trace id and tracestate, the sampler's tracestate, no flags for a dropped span.
 */
interface Asked {
  traceId: string;
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  links: Link[];
  parent: SpanContext | undefined;
}

class FixedSampler implements Sampler {
  readonly asked: Asked[] = [];
  constructor(private readonly result: SamplingResult) {}
  shouldSample(c: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]) {
    this.asked.push({ traceId, name, kind, attributes: { ...attributes }, links, parent: trace.getSpanContext(c) });
    return this.result;
  }
}

function endedSpans(): SpanProcessor & { readonly ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  const done = () => Promise.resolve();
  return { ended, onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: done, shutdown: done };
}

function setUp(ours: boolean, result: SamplingResult) {
  const head = new FixedSampler(result);
  const sampler = ours ? new CleanOnceSampler(head) : head;
  const ids = new RootTraceIdGenerator();
  const processor = endedSpans();
  const provider = new TracerProvider({ sampler, idGenerator: ids, spanProcessors: [processor] });
  if (ours) startDroppedSpansWithoutSdk(provider, sampler as CleanOnceSampler, ids);
  return { tracer: provider.getTracer('test'), head, ended: processor.ended };
}

const LOCAL_PARENT: SpanContext = {
  traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  spanId: 'bbbbbbbbbbbbbbbb',
  traceFlags: TraceFlags.SAMPLED,
  traceState: createTraceState('vendor=parent'),
};
const REMOTE_PARENT: SpanContext = { ...LOCAL_PARENT, traceFlags: TraceFlags.NONE, isRemote: true };
const INVALID_PARENT: SpanContext = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };
const under = (parent: SpanContext) => trace.setSpanContext(ROOT_CONTEXT, parent);

const PARENTS: [string, Context, { root?: boolean }][] = [
  ['no parent', ROOT_CONTEXT, {}],
  ['a local sampled parent', under(LOCAL_PARENT), {}],
  ['a remote unsampled parent', under(REMOTE_PARENT), {}],
  ['an invalid parent', under(INVALID_PARENT), {}],
  ['a parent and root: true', under(LOCAL_PARENT), { root: true }],
];

const RESULTS: [string, SamplingResult][] = [
  ['dropped', { decision: SamplingDecision.NOT_RECORD }],
  ['dropped with a tracestate', { decision: SamplingDecision.NOT_RECORD, traceState: createTraceState('ot=th:0') }],
  ['sampled', { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { 'sampling.rule': 'r' } }],
  ['recorded only', { decision: SamplingDecision.RECORD }],
];

const CASES = PARENTS.flatMap(([parentName, ctx, extra]) =>
  RESULTS.map(([resultName, result]) => [`${parentName}, ${resultName}`, ctx, extra, result] as const),
);

describe('dropped spans without the SDK', () => {
  it.each(CASES)('%s: the same question, and the span the SDK would start', (_name, ctx, extra, result) => {
    const options = { kind: SpanKind.SERVER, attributes: { 'url.path': '/a', n: 1 }, ...extra };
    const plain = setUp(false, result);
    const ours = setUp(true, result);
    const plainSpan = plain.tracer.startSpan('GET', options, ctx);
    const ourSpan = ours.tracer.startSpan('GET', options, ctx);

    expect(ours.head.asked).toHaveLength(1);
    const [asked] = ours.head.asked;
    const [plainAsked] = plain.head.asked;
    expect({ ...asked, traceId: undefined }).toEqual({ ...plainAsked, traceId: undefined });

    const plainContext = plainSpan.spanContext();
    const ourContext = ourSpan.spanContext();
    expect(ourContext.traceId).toBe(asked.traceId); // the span is the one the sampler decided on
    const parentGivesTraceId = !extra.root && ctx !== ROOT_CONTEXT && trace.getSpanContext(ctx) !== INVALID_PARENT;
    if (parentGivesTraceId) expect(ourContext.traceId).toBe(plainContext.traceId);
    expect(ourContext.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    expect(ourContext.traceFlags).toBe(plainContext.traceFlags);
    expect(ourContext.traceState?.serialize()).toBe(plainContext.traceState?.serialize());
    expect(ourSpan.isRecording()).toBe(plainSpan.isRecording());

    plainSpan.end();
    ourSpan.end();
    expect(ours.ended.length).toBe(plain.ended.length);
    if (ours.ended.length) {
      const [span] = ours.ended;
      expect(span.spanContext().spanId).toBe(ourContext.spanId);
      expect(span.parentSpanContext?.spanId).toBe(plain.ended[0].parentSpanContext?.spanId);
      expect(span.attributes).toEqual(plain.ended[0].attributes);
    }
  });

  it('makes a dropped span without the SDK, and a sampled one with it', () => {
    // Spied before the provider hands out its tracer, which is when the wrapper takes the SDK's startSpan.
    const sdkStart = jest.spyOn(Object.getPrototypeOf(new TracerProvider().getTracer('x')), 'startSpan');
    try {
      const dropped = setUp(true, { decision: SamplingDecision.NOT_RECORD });
      dropped.tracer.startSpan('dropped', {}, ROOT_CONTEXT).end();
      expect(sdkStart).not.toHaveBeenCalled();
      const sampled = setUp(true, { decision: SamplingDecision.RECORD_AND_SAMPLED });
      sampled.tracer.startSpan('sampled', {}, ROOT_CONTEXT).end();
      expect(sdkStart).toHaveBeenCalledTimes(1);
    } finally {
      sdkStart.mockRestore();
    }
  });

  it('leaves starts with links and under suppressed tracing to the SDK', () => {
    const result = { decision: SamplingDecision.RECORD_AND_SAMPLED };
    const ours = setUp(true, result);
    const link: Link = { context: LOCAL_PARENT, attributes: { k: 'v' } };
    const linked = ours.tracer.startSpan('linked', { links: [link] }, ROOT_CONTEXT);
    expect(ours.head.asked[0].links).toMatchObject([link]); // as the SDK cleaned them
    expect(linked.isRecording()).toBe(true);
    const suppressed = ours.tracer.startSpan('quiet', {}, suppressTracing(ROOT_CONTEXT));
    expect(suppressed.isRecording()).toBe(false);
    expect(ours.head.asked).toHaveLength(1);
  });

  it('gives a root the trace id the context names (RootTraceIdGenerator.withTraceId)', () => {
    const ours = setUp(true, { decision: SamplingDecision.NOT_RECORD });
    const ids = (ours.tracer as unknown as { _idGenerator: RootTraceIdGenerator })._idGenerator;
    const span = ids.withTraceId('c'.repeat(32), () => ours.tracer.startSpan('root', {}, ROOT_CONTEXT));
    expect(span.spanContext().traceId).toBe('c'.repeat(32));
    expect(ours.head.asked[0].traceId).toBe('c'.repeat(32));
  });
  it('keeps a root started by a span processor, while the SDK starts a child, out of the child’s trace', () => {
    const head = new FixedSampler({ decision: SamplingDecision.RECORD_AND_SAMPLED });
    const sampler = new CleanOnceSampler(head);
    const ids = new RootTraceIdGenerator();
    const sideRoots: string[] = [];
    const processor: SpanProcessor = {
      ...endedSpans(),
      onStart: (span) => {
        if (span.name === 'child')
          sideRoots.push(tracer.startSpan('side', { root: true }, ROOT_CONTEXT).spanContext().traceId);
      },
    };
    const provider = new TracerProvider({ sampler, idGenerator: ids, spanProcessors: [processor] });
    startDroppedSpansWithoutSdk(provider, sampler, ids);
    const tracer = provider.getTracer('t');
    const parent = tracer.startSpan('parent', {}, ROOT_CONTEXT);
    tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent));
    expect(sideRoots).toHaveLength(1);
    expect(sideRoots[0]).not.toBe(parent.spanContext().traceId);
  });

  it('starts a new trace under a foreign recording span with invalid ids, as the SDK does', () => {
    const foreign = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 });
    Object.assign(foreign, { isRecording: () => true });
    for (const decision of [SamplingDecision.NOT_RECORD, SamplingDecision.RECORD_AND_SAMPLED]) {
      const ours = setUp(true, { decision });
      const span = ours.tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, foreign));
      expect(span.spanContext().traceId).not.toBe('a'.repeat(32));
      expect(ours.head.asked[0].traceId).toBe(span.spanContext().traceId);
    }
  });
});
