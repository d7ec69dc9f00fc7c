import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { externalTraceId } from '../../src/propagation/external-trace-id';
import { currentTraceIds } from '../../src/api/trace-ids';
import { traced, tracedMethod, withNewTrace } from '../../src/api/traced';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter });
const spans = async () => {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
};

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [processor] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

describe('externalTraceId', () => {
  it.each([
    ['550e8400-e29b-41d4-a716-446655440000', '550e8400e29b41d4a716446655440000'],
    ['550E8400E29B41D4A716446655440000', '550e8400e29b41d4a716446655440000'],
    ['00000000-0000-0000-0000-000000000000', undefined],
    ['550e8400e29b41d4a71644665544000', undefined],
    ['550e8400e29b41d4a716446655440000\n', undefined],
    ['g50e8400e29b41d4a716446655440000', undefined],
    ['550e8400-e29b41d4-a716-446655440000', undefined],
    [['550e8400e29b41d4a716446655440000'], undefined],
    [undefined, undefined],
  ])('%j -> %s', (value, expected) => {
    expect(externalTraceId(value)).toBe(expected);
  });
});

describe('traced', () => {
  it('passes a sync return value through and ends the span', async () => {
    expect(traced('sync', () => 42)).toBe(42);
    expect((await spans()).map((s) => [s.name, s.status.code])).toEqual([['sync', 0]]);
  });

  it('rethrows a sync throw unchanged, with ERROR and an exception event', async () => {
    const error = new TypeError('bad input');
    expect(() =>
      traced('sync-fail', () => {
        throw error;
      }),
    ).toThrow(error);
    const [span] = await spans();
    expect(span.status).toEqual({ code: 2, message: 'bad input' });
    expect(span.events[0].attributes?.['exception.type']).toBe('TypeError');
  });

  it('rethrows a rejection with the same value, even one that is not an Error', async () => {
    await expect(traced('async-fail', async () => Promise.reject('plain string'))).rejects.toBe('plain string');
    const [span] = await spans();
    expect(span.status).toEqual({ code: 2, message: 'plain string' });
  });

  it('makes its span the active one inside fn', () => {
    traced('outer', () => {
      const ids = currentTraceIds();
      expect(ids?.span_id).toBe(trace.getActiveSpan()?.spanContext().spanId);
    });
    expect(currentTraceIds()).toBeUndefined();
  });
});

describe('tracedMethod', () => {
  it('traces each call of a class method under standard decorators, named Class.method', async () => {
    class Payments {
      constructor(private readonly fee: number) {}
      @tracedMethod()
      async charge(amount: number) {
        return amount + this.fee;
      }
    }
    expect(await new Payments(2).charge(40)).toBe(42);
    expect((await spans()).map((s) => s.name)).toEqual(['Payments.charge']);
  });

  it('also works with experimentalDecorators-style arguments', async () => {
    const descriptor = {
      value: function charge(this: { fee: number }, n: number) {
        return n + this.fee;
      },
    };
    const decorated = tracedMethod('custom')({ constructor: { name: 'Legacy' } }, 'charge', descriptor);
    expect(decorated.value.call({ fee: 1 }, 1)).toBe(2);
    expect((await spans()).map((s) => s.name)).toEqual(['custom']);
  });
});

describe('withNewTrace', () => {
  it('starts a root even inside another span, nests, and restores the outer context', async () => {
    await traced('request', async () => {
      const outer = currentTraceIds();
      const inner = withNewTrace('job', () => withNewTrace('sub-job', () => currentTraceIds()));
      expect(inner?.trace_id).not.toBe(outer?.trace_id);
      expect(currentTraceIds()).toEqual(outer);
    });
    const byName = new Map((await spans()).map((s) => [s.name, s]));
    expect(byName.get('job')?.parentSpanContext).toBeUndefined();
    expect(byName.get('sub-job')?.parentSpanContext).toBeUndefined();
    expect(byName.get('job')?.spanContext().traceId).not.toBe(byName.get('sub-job')?.spanContext().traceId);
  });
});
