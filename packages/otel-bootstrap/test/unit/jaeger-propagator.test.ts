import {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { JaegerPropagator } from '../../src/propagation/JaegerPropagator';
import { createPropagators } from '../../src/propagation/propagators';

// Expected values are worked out by hand from Jaeger's documented format:
// uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}, flags bit 1 sampled, bit 2 debug; uberctx-{key}: value.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const { SAMPLED, NONE } = TraceFlags;

const propagator = new JaegerPropagator();
// A context that already holds something, so "unchanged" means the very same context came back.
const START = ROOT_CONTEXT.setValue(createContextKey('test marker'), 'kept');

function extract(headers: Record<string, string | string[]>, context: Context = START): Context {
  return propagator.extract(context, headers, defaultTextMapGetter);
}

function inject(context: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, defaultTextMapSetter);
  return carrier;
}

function withSpan(traceFlags: number, traceId = TRACE_ID, spanId = SPAN_ID): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, isRemote: false });
}

function baggageOf(context: Context): Record<string, string> {
  const entries = propagation.getBaggage(context)?.getAllEntries() ?? [];
  return Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
}

describe('JaegerPropagator extract', () => {
  it.each<[string, string | string[], Omit<SpanContext, 'isRemote'>]>([
    ['a 128-bit trace id', `${TRACE_ID}:${SPAN_ID}:0:1`, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED }],
    [
      'a 64-bit trace id, padded on the left',
      `a3ce929d0e0e4736:${SPAN_ID}:0:01`,
      { traceId: '0000000000000000a3ce929d0e0e4736', spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'ids without their leading zeros',
      'abc:def:0:1',
      { traceId: '00000000000000000000000000000abc', spanId: '0000000000000def', traceFlags: SAMPLED },
    ],
    [
      'a URL-encoded value',
      `${TRACE_ID}%3A${SPAN_ID}%3A0%3A1`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'a URL-encoded value in lower case',
      `${TRACE_ID}%3a${SPAN_ID}%3a0%3a01`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'upper-case hex, read as lower case',
      '4BF92F3577B34DA6A3CE929D0E0E4736:00F067AA0BA902B7:0:1',
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'a parent span id, which is ignored',
      `${TRACE_ID}:${SPAN_ID}:53995c3f42cd8ad8:1`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    ['flags 0: unsampled', `${TRACE_ID}:${SPAN_ID}:0:0`, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: NONE }],
    ['flags 00: unsampled', `${TRACE_ID}:${SPAN_ID}:0:00`, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: NONE }],
    [
      'flags 02: debug, so sampled',
      `${TRACE_ID}:${SPAN_ID}:0:02`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'flags 03: sampled and debug',
      `${TRACE_ID}:${SPAN_ID}:0:3`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'flags 08: firehose alone, unsampled',
      `${TRACE_ID}:${SPAN_ID}:0:08`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: NONE },
    ],
    [
      'flags 09: firehose and sampled',
      `${TRACE_ID}:${SPAN_ID}:0:9`,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'surrounding whitespace',
      ` ${TRACE_ID}:${SPAN_ID}:0:1 `,
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
    [
      'the first of several values',
      [`${TRACE_ID}:${SPAN_ID}:0:1`, 'garbage'],
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: SAMPLED },
    ],
  ])('reads %s', (_, header, expected) => {
    const context = extract({ 'uber-trace-id': header });
    expect(trace.getSpanContext(context)).toEqual({ ...expected, isRemote: true });
  });

  it.each([
    ['an empty value', ''],
    ['one field', TRACE_ID],
    ['three fields', `${TRACE_ID}:${SPAN_ID}:1`],
    ['five fields', `${TRACE_ID}:${SPAN_ID}:0:1:0`],
    ['an empty trace id', `:${SPAN_ID}:0:1`],
    ['an empty span id', `${TRACE_ID}::0:1`],
    ['an empty parent id', `${TRACE_ID}:${SPAN_ID}::1`],
    ['empty flags', `${TRACE_ID}:${SPAN_ID}:0:`],
    ['a trace id that is not hex', `4bf92f3577b34da6a3ce929d0e0e473g:${SPAN_ID}:0:1`],
    ['a span id that is not hex', `${TRACE_ID}:00f067aa0ba902bz:0:1`],
    ['a parent id that is not hex', `${TRACE_ID}:${SPAN_ID}:x:1`],
    ['flags that are not hex', `${TRACE_ID}:${SPAN_ID}:0:zz`],
    ['a 0x prefix', `0x${TRACE_ID.slice(2)}:${SPAN_ID}:0:1`],
    ['a sign', `-1:${SPAN_ID}:0:1`],
    ['a space inside', `${TRACE_ID} :${SPAN_ID}:0:1`],
    ['an all-zero trace id', `00000000000000000000000000000000:${SPAN_ID}:0:1`],
    ['a short all-zero trace id', `0:${SPAN_ID}:0:1`],
    ['an all-zero span id', `${TRACE_ID}:0000000000000000:0:1`],
    ['a trace id of 33 hex digits', `${TRACE_ID}1:${SPAN_ID}:0:1`],
    ['a span id of 17 hex digits', `${TRACE_ID}:${SPAN_ID}1:0:1`],
    ['a parent id of 17 hex digits', `${TRACE_ID}:${SPAN_ID}:${SPAN_ID}1:1`],
    ['flags of three digits', `${TRACE_ID}:${SPAN_ID}:0:001`],
    ['other URL-encoded characters', `${TRACE_ID}%3A${SPAN_ID}%3A0%3A%31`],
    ['a very long value', `${'f'.repeat(100_000)}:${SPAN_ID}:0:1`],
    ['a W3C traceparent', `00-${TRACE_ID}-${SPAN_ID}-01`],
  ])('ignores %s: the context comes back unchanged', (_, header) => {
    expect(extract({ 'uber-trace-id': header })).toBe(START);
  });

  it('returns the context unchanged when there is no header, or no carrier', () => {
    expect(extract({})).toBe(START);
    expect(propagator.extract(START, undefined, defaultTextMapGetter)).toBe(START);
    expect(propagator.extract(START, null, defaultTextMapGetter)).toBe(START);
  });

  it('replaces a span context already in the context', () => {
    const context = extract({ 'uber-trace-id': `${TRACE_ID}:${SPAN_ID}:0:0` }, withSpan(SAMPLED, 'a'.repeat(32)));
    expect(trace.getSpanContext(context)?.traceId).toBe(TRACE_ID);
  });
});

describe('JaegerPropagator inject', () => {
  it.each([
    ['a sampled span', withSpan(SAMPLED), `${TRACE_ID}:${SPAN_ID}:0:01`],
    ['an unsampled span', withSpan(NONE), `${TRACE_ID}:${SPAN_ID}:0:00`],
    [
      'a span from a 64-bit trace id',
      withSpan(SAMPLED, '0000000000000000a3ce929d0e0e4736'),
      `0000000000000000a3ce929d0e0e4736:${SPAN_ID}:0:01`,
    ],
  ])('writes the header for %s', (_, context, header) => {
    expect(inject(context)).toEqual({ 'uber-trace-id': header });
  });

  it.each([
    ['no span', ROOT_CONTEXT],
    ['an invalid span context', withSpan(SAMPLED, '0'.repeat(32))],
    ['suppressed tracing', suppressTracing(withSpan(SAMPLED))],
  ])('writes nothing for %s', (_, context) => {
    expect(inject(context)).toEqual({});
  });

  it.each([
    [`${TRACE_ID}:${SPAN_ID}:0:1`, `${TRACE_ID}:${SPAN_ID}:0:01`],
    [`${TRACE_ID}%3A${SPAN_ID}%3A0%3A0`, `${TRACE_ID}:${SPAN_ID}:0:00`],
    ['abc:def:123:3', '00000000000000000000000000000abc:0000000000000def:0:01'],
  ])('round trip: %s comes back out as %s', (inbound, outbound) => {
    expect(inject(extract({ 'uber-trace-id': inbound }))).toEqual({ 'uber-trace-id': outbound });
  });

  it('lists the trace header as its field', () => {
    expect(propagator.fields()).toEqual(['uber-trace-id']);
  });
});

describe('JaegerPropagator baggage', () => {
  it.each([
    ['a plain value', 'value1', 'value1'],
    ["Jaeger's documented example", 'value%201%20%2F%20blah', 'value 1 / blah'],
    ['a form-encoded space', 'a+b', 'a b'],
    ['an encoded plus', 'a%2Bb', 'a+b'],
    ['UTF-8', '%C3%A9t%C3%A9', 'été'],
    ['a value that is not URL encoding, kept as sent', '100%', '100%'],
  ])('extracts %s', (_, header, value) => {
    expect(baggageOf(extract({ 'uberctx-key1': header }))).toEqual({ key1: value });
  });

  it('extracts every uberctx- header into the Baggage already in the context, with or without a trace', () => {
    const before = propagation.setBaggage(START, propagation.createBaggage({ w3c: { value: 'kept' } }));
    const context = extract(
      { 'uberctx-key1': 'value1', 'uberctx-key2': 'value2', uberctx: 'no key', other: 'x' },
      before,
    );
    expect(baggageOf(context)).toEqual({ w3c: 'kept', key1: 'value1', key2: 'value2' });
    expect(trace.getSpanContext(context)).toBeUndefined();
  });

  it('extracts baggage next to a trace', () => {
    const context = extract({ 'uber-trace-id': `${TRACE_ID}:${SPAN_ID}:0:1`, 'uberctx-user': 'u%3A1' });
    expect(trace.getSpanContext(context)?.traceId).toBe(TRACE_ID);
    expect(baggageOf(context)).toEqual({ user: 'u:1' });
  });

  it('injects each Baggage entry as a uberctx- header with a URL-encoded value', () => {
    const baggage = propagation.createBaggage({
      key1: { value: 'value 1 / blah' },
      key2: { value: 'a+b' },
      'bad key': { value: 'not a header name' },
      key3: { value: 'lone \ud800 surrogate' },
    });
    expect(inject(propagation.setBaggage(withSpan(SAMPLED), baggage))).toEqual({
      'uber-trace-id': `${TRACE_ID}:${SPAN_ID}:0:01`,
      'uberctx-key1': 'value%201%20%2F%20blah',
      'uberctx-key2': 'a%2Bb',
    });
  });

  it('carries baggage through a round trip', () => {
    const baggage = propagation.createBaggage({ tenant: { value: 'acme & co' }, 'user-id': { value: 'été+1' } });
    expect(baggageOf(extract(inject(propagation.setBaggage(ROOT_CONTEXT, baggage))))).toEqual({
      tenant: 'acme & co',
      'user-id': 'été+1',
    });
  });
});

describe('OTEL_PROPAGATORS=jaeger', () => {
  it('builds our JaegerPropagator', () => {
    const [built] = createPropagators(['jaeger']);
    expect(built).toBeInstanceOf(JaegerPropagator);
  });
});
