import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { AlwaysOffSampler, SamplingDecision, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, Sampler, SamplingResult, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace';
import { CleanOnceSampler } from '../../../src/sdk/attributes-cleaned-once';
import { startDroppedSpansWithoutSdk } from '../../../src/sdk/dropped-spans-without-sdk';
import { RootTraceIdGenerator } from '../../../src/sdk/RootTraceIdGenerator';

/**
 * A differential test: start attributes go to the sampler as the caller gave them and are cleaned by the SDK once,
 * for sampled spans only (sdk/attributes-cleaned-once.ts). Each scenario starts one span on a plain SDK provider and
 * on one with the clean-once wrapper, under the same sampler, and the exported spans must have the same attributes
 * and dropped count; the sampler must see the same values.
 */
const LIMITS: SpanLimits = { attributeCountLimit: 5, attributeValueLengthLimit: 10 };

class Instance {
  toString(): string {
    throw new Error('not printable');
  }
}

const SCENARIOS: [string, Attributes][] = [
  ['plain values', { 'http.request.method': 'GET', 'url.path': '/a', 'server.port': 8080, ok: true }],
  [
    'an undefined value, an empty key, invalid values',
    { a: 'x', b: undefined, '': 1, f: (() => 1) as never, n: null as never },
  ],
  ['over the count and length limits', { a: 'x'.repeat(30), b: ['y'.repeat(20)], c: 1, d: 2, e: 3, f: 4, g: 5 }],
  ['a key the sampler sets too, and nested values', { 'sampling.reason': 'caller', nested: { k: 'v' } as never }],
  ['a value whose toString throws', { 'url.path': '/p', custom: new Instance() as never }],
];

/** Samples what a rule on `custom` would: reads every value as a string, as the rules file's globs do. */
class RecordingSampler implements Sampler {
  readonly seen: Attributes[] = [];
  constructor(private readonly decision: SamplingDecision) {}
  shouldSample(_c: Context, _t: string, _n: string, _k: SpanKind, attributes: Attributes): SamplingResult {
    this.seen.push({ ...attributes });
    for (const value of Object.values(attributes)) if (value !== undefined) String(value);
    return { decision: this.decision, attributes: { 'sampling.reason': 'rule', 'sampling.ratio': 1 } };
  }
}

/** The spans as they end, synchronously (upstream's SimpleSpanProcessor exports a tick later). */
function endedSpans(): SpanProcessor & { readonly ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  const done = () => Promise.resolve();
  return { ended, onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: done, shutdown: done };
}

function setUp(cleanOnce: boolean, decision = SamplingDecision.RECORD_AND_SAMPLED) {
  const processor = endedSpans();
  const head = new RecordingSampler(decision);
  const sampler = cleanOnce ? new CleanOnceSampler(head) : head;
  const ids = new RootTraceIdGenerator();
  const provider = new TracerProvider({
    sampler,
    idGenerator: ids,
    spanLimits: LIMITS,
    spanProcessors: [processor],
  });
  if (cleanOnce) startDroppedSpansWithoutSdk(provider, sampler as CleanOnceSampler, ids);
  return { tracer: provider.getTracer('test'), ended: processor.ended, head };
}

const shape = (span: ReadableSpan) => ({
  attributes: span.attributes,
  keys: Object.keys(span.attributes),
  dropped: span.droppedAttributesCount,
});

describe('start attributes cleaned once', () => {
  it.each(SCENARIOS)('%s: the span the SDK records is the same', (_name, attributes) => {
    const plain = setUp(false);
    const once = setUp(true);
    const start = (tracer: ReturnType<typeof setUp>['tracer']) =>
      tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes }, ROOT_CONTEXT).end();
    let plainThrew = false;
    try {
      start(plain.tracer);
    } catch {
      plainThrew = true; // the SDK's cleaning drops the instance first, so this never happens
    }
    start(once.tracer);
    expect(plainThrew).toBe(false);
    const [expected] = plain.ended;
    const [actual] = once.ended;
    expect(shape(actual)).toEqual(shape(expected));
  });

  it.each(SCENARIOS.slice(0, 4))('%s: the sampler sees the values the SDK would show it', (_name, attributes) => {
    const plain = setUp(false);
    const once = setUp(true);
    plain.tracer.startSpan('GET', { attributes }, ROOT_CONTEXT).end();
    once.tracer.startSpan('GET', { attributes }, ROOT_CONTEXT).end();
    const defined = (seen: Attributes) => Object.fromEntries(Object.entries(seen).filter(([, v]) => v !== undefined));
    // Invalid values are dropped by the SDK before it samples, and shown as they are here; rules read strings.
    const valid = (seen: Attributes) =>
      Object.fromEntries(Object.entries(defined(seen)).filter(([k]) => k !== '' && k !== 'f' && k !== 'n'));
    expect(valid(once.head.seen[0])).toEqual(valid(plain.head.seen[0]));
  });

  it('hands the sampler the caller’s own attributes, uncleaned, and cleans nothing for an unsampled span', () => {
    const once = setUp(true, SamplingDecision.NOT_RECORD);
    const attributes = { 'url.path': '/health', bad: undefined };
    const span = once.tracer.startSpan('GET', { attributes }, ROOT_CONTEXT);
    expect(span.isRecording()).toBe(false);
    expect(once.head.seen[0]).toEqual(attributes); // the undefined value is still there: not cleaned
    expect(Object.keys(once.head.seen[0])).toEqual(['url.path', 'bad']);
  });

  it('asks again with the SDK’s cleaning when the sampler throws on a value the SDK would have dropped', () => {
    const once = setUp(true);
    const span = once.tracer.startSpan(
      'GET',
      { attributes: { custom: new Instance() as never, a: 'x' } },
      ROOT_CONTEXT,
    );
    expect(span.isRecording()).toBe(true);
    expect(once.head.seen.map((seen) => Object.keys(seen))).toEqual([['custom', 'a'], ['a']]);
  });

  it('passes a start without attributes, and a sampler that never samples, straight through', () => {
    const sampler = new CleanOnceSampler(new AlwaysOffSampler());
    const ids = new RootTraceIdGenerator();
    const provider = new TracerProvider({ sampler, idGenerator: ids });
    startDroppedSpansWithoutSdk(provider, sampler, ids);
    const tracer = provider.getTracer('test');
    expect(tracer.startSpan('a', {}, ROOT_CONTEXT).isRecording()).toBe(false);
    expect(tracer.startSpan('b', { attributes: { k: 'v' } }, ROOT_CONTEXT).isRecording()).toBe(false);
    expect(sampler.toString()).toBe(new AlwaysOffSampler().toString());
  });
});
