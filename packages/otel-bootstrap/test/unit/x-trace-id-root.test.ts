import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { withNewTrace } from '../../src/api/traced';
import { XTraceIdPropagator } from '../../src/propagation/XTraceIdPropagator';
import { installInProcess } from '../helpers/sdk-in-process';
import type { SdkInProcess } from '../helpers/sdk-in-process';
import { httpStart } from './sampling/sampling-fixtures';

// A legacy caller sends only X-Trace-ID: no span id and no sampling decision. The span that continues it is a root
// (no parent span id, so Jaeger shows no missing parent) with the legacy id as its trace id, sampled by the rules.
//   GET [SERVER]  trace 550e8400e29b41d4a716446655440000, no parent
//   └── GET [CLIENT]  -> X-Trace-ID and traceparent downstream

const LEGACY = '550E8400-E29B-41D4-A716-446655440000';
const TRACE_ID = '550e8400e29b41d4a716446655440000';
const RULES = {
  OTEL_PROPAGATORS: 'tracecontext,baggage,xtraceid',
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: '0',
  OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /api/*=1,GET /health=0',
};

let sdk: SdkInProcess | undefined;
afterEach(async () => {
  await sdk?.uninstall();
  sdk = undefined;
});

function serverSpan(env: Record<string, string>, headers: Record<string, string>, path = '/api/orders') {
  sdk = installInProcess(env);
  const incoming = sdk.extract(headers);
  const span = sdk.tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: httpStart('GET', path) }, incoming);
  return { span, incoming, inside: trace.setSpan(incoming, span) };
}

const exported = (name: string): ReadableSpan | undefined => sdk?.finished().find((span) => span.name === name);

describe.each([
  ['keeping errors (the default)', {}],
  ['without keeping', { OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
])('a request with only X-Trace-ID, %s', (_name, keepEnv) => {
  it.each([['X-Trace-ID'], ['X-Request-ID']])('%s: the SERVER span is a root with the legacy trace id', (header) => {
    const { span } = serverSpan({ ...RULES, ...keepEnv }, { [header.toLowerCase()]: LEGACY });
    span.end();
    const server = exported('GET');
    expect(server?.parentSpanContext).toBeUndefined();
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.attributes['otel_bootstrap.sampling.reason']).toBe('rule');
    // Sampled, without the random flag: nobody knows how the legacy id was made.
    expect(server?.spanContext().traceFlags).toBe(1);
  });

  it.each([
    ['/health', 'a rule of 0'],
    ['/other', 'the default ratio of 0'],
  ])('%s is not sampled: the rules decide as for a root (%s)', (path) => {
    const { span } = serverSpan({ ...RULES, ...keepEnv }, { 'x-trace-id': LEGACY }, path);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.spanContext().traceFlags & 1).toBe(0);
    span.end();
    expect(sdk?.finished()).toEqual([]);
  });
});

describe('under the X-Trace-ID root', () => {
  it('children follow it, and calls downstream carry the legacy id in X-Trace-ID and traceparent', () => {
    const { span, incoming, inside } = serverSpan(RULES, { 'x-trace-id': LEGACY });
    const client = sdk!.tracer.startSpan('GET', { kind: SpanKind.CLIENT }, inside);
    const sent = sdk!.inject(trace.setSpan(incoming, client));
    // Sampled by the rule of 1 as a root: th:0 is what a root sampled at 100% writes.
    expect(sent).toEqual({
      traceparent: `00-${TRACE_ID}-${client.spanContext().spanId}-01`,
      tracestate: 'ot=th:0',
      'x-trace-id': TRACE_ID,
    });
    client.end();
    span.end();
    expect(sdk!.finished().map((s) => [s.kind, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
      [SpanKind.CLIENT, TRACE_ID, span.spanContext().spanId],
      [SpanKind.SERVER, TRACE_ID, undefined],
    ]);
  });

  it('a traceparent wins over X-Trace-ID: the caller is the parent', () => {
    const parent = `00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01`;
    const { span } = serverSpan(RULES, { traceparent: parent, 'x-trace-id': LEGACY });
    span.end();
    expect(exported('GET')?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(exported('GET')?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('new traces started inside the request get random trace ids of their own', () => {
    const { span, inside } = serverSpan({ ...RULES, OTEL_TRACES_SAMPLER_ARG: '1' }, { 'x-trace-id': LEGACY });
    const ids = context.with(inside, () => [
      withNewTrace('job', (job) => job.spanContext()),
      sdk!.tracer.startSpan('other', { root: true }).spanContext(),
    ]);
    span.end();
    for (const started of ids) {
      expect(started.traceId).not.toBe(TRACE_ID);
      expect(started.traceFlags).toBe(3);
    }
  });

  it('with no span at all (no SERVER span was made), X-Trace-ID still goes downstream', () => {
    const propagator = new XTraceIdPropagator();
    const carrier: Record<string, string> = {};
    const extracted = propagator.extract(ROOT_CONTEXT, { 'x-trace-id': LEGACY }, defaultTextMapGetter);
    propagator.inject(extracted, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({ 'x-trace-id': TRACE_ID });
  });
});

describe('withNewTrace with a correlation id that is a UUID', () => {
  it('starts a root with that trace id and no parent, even inside a request', () => {
    sdk = installInProcess({ OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' });
    const request = sdk.tracer.startSpan('GET', { kind: SpanKind.SERVER });
    const inRequest: Context = trace.setSpan(ROOT_CONTEXT, request);
    const job = context.with(inRequest, () =>
      withNewTrace('nightly-job', (span: Span) => span, { correlationId: LEGACY }),
    );
    request.end();
    const exportedJob = exported('nightly-job');
    expect(exportedJob?.parentSpanContext).toBeUndefined();
    expect(exportedJob?.spanContext().traceId).toBe(TRACE_ID);
    expect(exportedJob?.attributes['app.correlation_id']).toBe(LEGACY);
    expect(job.spanContext().traceFlags).toBe(1);
  });
});
