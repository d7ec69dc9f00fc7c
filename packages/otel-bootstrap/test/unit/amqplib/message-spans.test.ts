import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { withTraceContext } from '../../../src/instrumentation/amqplib/message-spans';
import type { PublishOptions } from '../../../src/instrumentation/amqplib/message-spans';

const span = trace.wrapSpanContext({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
});
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** What amqplib reads of publish options: properties by name, and headers with for...in. */
function asAmqplibReads(options: PublishOptions & Record<string, unknown>) {
  const headers: Record<string, unknown> = {};
  for (const key in options.headers) headers[key] = options.headers[key];
  return { persistent: options.persistent, contentType: options.contentType, headers };
}

describe('withTraceContext', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it("adds the trace context and keeps the app's own and inherited options and headers", () => {
    const defaults = { persistent: true, headers: { 'x-default': 'd' } };
    const options = Object.assign(Object.create(defaults) as object, {
      contentType: 'application/json',
      headers: Object.assign(Object.create(defaults.headers) as object, { 'x-app': 'a', traceparent: 'stale' }),
    });
    const copy = context.with(context.active(), () => withTraceContext(span, options));
    expect(asAmqplibReads(copy as PublishOptions & Record<string, unknown>)).toEqual({
      persistent: true,
      contentType: 'application/json',
      headers: { 'x-app': 'a', 'x-default': 'd', traceparent: TRACEPARENT },
    });
    // the app's objects are left as they were
    expect(options.headers).toEqual({ 'x-app': 'a', traceparent: 'stale' });
    expect(Object.keys(options)).toEqual(['contentType', 'headers']);
  });

  it('makes options of its own when the app gives none, or none that is an object', () => {
    for (const options of [undefined, null, 'not options'] as unknown as PublishOptions[]) {
      expect(asAmqplibReads(withTraceContext(span, options) as PublishOptions & Record<string, unknown>)).toEqual({
        persistent: undefined,
        contentType: undefined,
        headers: { traceparent: TRACEPARENT },
      });
    }
  });
});
