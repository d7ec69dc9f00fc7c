import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { CollectorFallbackExporter, probeTcp } from '../../src/export/CollectorFallbackExporter';
import { TerminalTreeExporter } from '../../src/export/TerminalTreeExporter';

// Spans are made by a real tracer with fixed start and end times, so the printed durations are exact.
const memory = new InMemorySpanExporter();
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'api-gateway' }),
  spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
});
const tracer = provider.getTracer('test');
const T0 = 1_700_000_000_000;

function child(parent: Span, name: string, from: number, to: number, error?: string): Span {
  const span = tracer.startSpan(name, { startTime: T0 + from }, trace.setSpan(context.active(), parent));
  if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end(T0 + to);
  return span;
}

/** One local trace: the root ends last, as it does in a real service. */
function orderTrace(): ReadableSpan[] {
  memory.reset();
  const root = tracer.startSpan('POST /orders', { startTime: T0 });
  child(root, 'GET', 1, 13.1);
  const post = tracer.startSpan('POST', { startTime: T0 + 14 }, trace.setSpan(context.active(), root));
  child(post, 'pg.query:INSERT demo', 15, 18.5, 'duplicate key value\nviolates unique constraint');
  post.setStatus({ code: SpanStatusCode.ERROR, message: 'orders answered 500' });
  post.end(T0 + 164);
  root.end(T0 + 182.4);
  return memory.getFinishedSpans();
}

function printer(options: ConstructorParameters<typeof TerminalTreeExporter>[0] = {}) {
  const printed: string[] = [];
  const exporter = new TerminalTreeExporter({ write: (text) => printed.push(text), ...options });
  const send = (spans: ReadableSpan[]) =>
    new Promise<number>((resolve) => exporter.export(spans, (result) => resolve(result.code)));
  return { printed, exporter, send };
}

describe('TerminalTreeExporter', () => {
  it('prints a finished trace as an indented tree with service, name, duration and error marks', async () => {
    const spans = orderTrace();
    const { printed, send } = printer();
    expect(await send(spans)).toBe(ExportResultCode.SUCCESS);
    const traceId = spans[0].spanContext().traceId;
    expect(printed).toEqual([
      [
        `trace ${traceId}`,
        'api-gateway  POST /orders  182.4 ms',
        '├── api-gateway  GET  12.1 ms',
        '└── api-gateway  POST  150.0 ms  ✗ orders answered 500',
        '    └── api-gateway  pg.query:INSERT demo  3.5 ms  ✗ duplicate key value violates unique constraint',
      ].join('\n'),
    ]);
  });

  it('holds the spans of a trace until its local root arrives, across batches', async () => {
    const spans = orderTrace();
    const root = spans.find((s) => s.name === 'POST /orders') as ReadableSpan;
    const { printed, send } = printer();
    await send(spans.filter((s) => s !== root));
    expect(printed).toEqual([]);
    await send([root]);
    expect(printed).toHaveLength(1);
    expect(printed[0].split('\n')).toHaveLength(5);
  });

  it('keeps a child that ends after its root in the same batch (express ends its handler span last)', async () => {
    const spans = orderTrace();
    const root = spans.find((s) => s.name === 'POST /orders') as ReadableSpan;
    const { printed, send } = printer();
    await send([root, ...spans.filter((s) => s !== root)]);
    expect(printed).toHaveLength(1);
    expect(printed[0].split('\n')).toHaveLength(5);
  });

  it('prints each visit of a trace to this service under its own root, holding a visit until its root ends', async () => {
    memory.reset();
    // orders: POST /orders, then later the payment outcome (a consumer span with a remote parent) in the same trace.
    const request = tracer.startSpan('POST /orders', { startTime: T0 });
    child(request, 'order.place', 1, 5);
    const traceId = request.spanContext().traceId;
    const remote = trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    const outcome = tracer.startSpan(
      'order-status process',
      { startTime: T0 + 20 },
      trace.setSpan(context.active(), remote),
    );
    child(outcome, 'pg.query:UPDATE demo', 21, 23);
    request.end(T0 + 30); // the request's root ends while the outcome is still being handled
    const { printed, send } = printer();
    await send(memory.getFinishedSpans());
    expect(printed).toEqual([
      `trace ${traceId}\napi-gateway  POST /orders  30.0 ms\n└── api-gateway  order.place  4.0 ms`,
    ]);
    memory.reset();
    outcome.end(T0 + 40);
    await send(memory.getFinishedSpans());
    expect(printed[1]).toBe(
      `trace ${traceId}\napi-gateway  order-status process  20.0 ms\n└── api-gateway  pg.query:UPDATE demo  2.0 ms`,
    );
  });

  it('treats a span with a remote parent as the local root', async () => {
    memory.reset();
    const remote = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    tracer.startSpan('GET /users/:id', { startTime: T0 }, trace.setSpan(context.active(), remote)).end(T0 + 2);
    const { printed, send } = printer();
    await send(memory.getFinishedSpans());
    expect(printed).toEqual(['trace 4bf92f3577b34da6a3ce929d0e0e4736\napi-gateway  GET /users/:id  2.0 ms']);
  });

  it('prints a trace whose root never arrives after the hold time, and everything on flush', async () => {
    let now = 0;
    const spans = orderTrace().filter((s) => s.name !== 'POST /orders');
    const { printed, send, exporter } = printer({ holdMs: 1000, now: () => now });
    await send(spans.slice(0, 1));
    now = 999;
    await send([]);
    expect(printed).toHaveLength(0);
    now = 1000;
    await send([]);
    expect(printed).toHaveLength(1);
    await send(spans.slice(1));
    await exporter.forceFlush();
    expect(printed).toHaveLength(2);
  });

  it('holds at most 200 spans of one trace, keeps its root, and says how many it left out', async () => {
    memory.reset();
    const root = tracer.startSpan('job', { startTime: T0 });
    for (let i = 0; i < 250; i++) child(root, `step ${i}`, i, i + 0.5);
    root.end(T0 + 300);
    const { printed, send } = printer();
    await send(memory.getFinishedSpans());
    const lines = printed[0].split('\n');
    expect(lines[1]).toBe('api-gateway  job  300.0 ms');
    expect(lines).toHaveLength(1 + 1 + 200 + 1); // header, root, 200 held children, the note
    expect(lines.at(-1)).toBe('(50 more spans of this trace were not held)');
  });

  it('prints at most the given number of traces a second, and says how many it left out', async () => {
    let now = 0;
    const { printed, send } = printer({ maxTracesPerSecond: 2, now: () => now });
    for (let i = 0; i < 5; i++) await send(orderTrace());
    expect(printed).toHaveLength(2);
    now = 1000;
    await send(orderTrace());
    expect(printed).toHaveLength(3);
    expect(printed[2]).toMatch(/^\(3 more traces were not shown\)\ntrace /);
  });
});

describe('CollectorFallbackExporter', () => {
  function recorder(): SpanExporter & { batches: number } {
    const exporter = {
      batches: 0,
      export: (_spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void) => {
        exporter.batches++;
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    return exporter;
  }
  const send = (exporter: SpanExporter) =>
    new Promise<number>((resolve) => exporter.export(orderTrace(), (result) => resolve(result.code)));

  it('sends over OTLP while the collector answers and prints while it does not, asking again every 5 s', async () => {
    const [otlp, terminal] = [recorder(), recorder()];
    let up = false;
    let probes = 0;
    let now = 0;
    const probe = () => {
      probes++;
      return Promise.resolve(up);
    };
    const exporter = new CollectorFallbackExporter(otlp, terminal, 'http://localhost:4318/v1/traces', probe, () => now);
    await send(exporter);
    await send(exporter);
    expect([otlp.batches, terminal.batches, probes]).toEqual([0, 2, 1]);
    up = true;
    now = 4999;
    await send(exporter);
    expect([otlp.batches, terminal.batches]).toEqual([0, 3]);
    now = 5000;
    await send(exporter);
    expect([otlp.batches, terminal.batches, probes]).toEqual([1, 3, 2]);
  });

  it('treats a probe that fails as no collector', async () => {
    const [otlp, terminal] = [recorder(), recorder()];
    const exporter = new CollectorFallbackExporter(otlp, terminal, 'http://x:4318', () => Promise.reject(new Error()));
    expect(await send(exporter)).toBe(ExportResultCode.SUCCESS);
    expect([otlp.batches, terminal.batches]).toEqual([0, 1]);
  });
});

describe('probeTcp', () => {
  it('answers true for a listening port and false once it is closed', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await probeTcp(`http://127.0.0.1:${port}/v1/traces`)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await probeTcp(`http://127.0.0.1:${port}/v1/traces`)).toBe(false);
  });

  it('answers false for a URL it cannot parse', async () => {
    expect(await probeTcp('not a url')).toBe(false);
  });
});
