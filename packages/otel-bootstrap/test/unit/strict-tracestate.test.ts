import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { isValidTraceState, StrictTraceContextPropagator } from '../../src/propagation/StrictTraceContextPropagator';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('strict tracestate', () => {
  it.each([
    ['vendor=abc', true],
    ['ot=th:8,rojo=00f067aa0ba902b7', true],
    ['tenant@vendor=x', true],
    ['', true],
    [' , ', true],
    ['Vendor=abc', false],
    ['vendor=abc,;', false],
    ['vendor', false],
    ['vendor=a,b', false],
    ['vendor=trailing ', true], // the trailing space is optional whitespace around the member
    [Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','), false],
  ])('%j is valid: %s', (header, valid) => {
    expect(isValidTraceState(header)).toBe(valid);
  });

  const propagator = new StrictTraceContextPropagator();

  it('keeps the traceparent but drops the whole tracestate when one member is invalid', () => {
    const context = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: TRACEPARENT, tracestate: 'ok=1,BAD=2' },
      defaultTextMapGetter,
    );
    const spanContext = trace.getSpanContext(context);
    expect(spanContext?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(spanContext?.traceState).toBeUndefined();
  });

  it('keeps a valid tracestate, and never sends an empty one', () => {
    const valid = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: TRACEPARENT, tracestate: 'ok=1' },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(valid)?.traceState?.serialize()).toBe('ok=1');
    const empty = propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT, tracestate: ' ' }, defaultTextMapGetter);
    const carrier: Record<string, string> = {};
    propagator.inject(empty, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({ traceparent: TRACEPARENT });
  });
});
