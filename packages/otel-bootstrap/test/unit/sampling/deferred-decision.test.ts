import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { readConfig } from '../../../src/config/read-config';
import { DeferredDecisionProcessor } from '../../../src/sampling/DeferredDecisionProcessor';
import { createSampling } from '../../../src/sampling/create-sampling';
import { DeferringSampler } from '../../../src/sampling/DeferringSampler';
import { startPendingSpans } from '../../../src/sdk/pending-spans';
import { RootTraceIdGenerator } from '../../../src/sdk/RootTraceIdGenerator';

/**
 * The deferred half of sampling, in process: a real TracerProvider with the bootstrap's sampler at 0% (so every
 * trace is dropped unless kept after the fact) and the processor in front of an in-memory exporter.
 */
function setUp(
  env: Record<string, string> = {},
  options: { maxSpans?: number; ttlMs?: number; now?: () => number } = {},
) {
  const { config } = readConfig({
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0',
    ...env,
  });
  const sampling = createSampling(config.sampling, 'svc');
  const exporter = new InMemorySpanExporter();
  const keep = sampling.keep;
  if (!keep) throw new Error('expected a deferred decision');
  const simple = new SimpleSpanProcessor({ exporter });
  const processor = new DeferredDecisionProcessor(simple, {
    ...keep,
    buffer: { maxSpans: options.maxSpans ?? keep.buffer.maxSpans, ttlMs: options.ttlMs ?? keep.buffer.ttlMs },
    now: options.now,
  });
  // As the bootstrap installs it: what the sampler does not sample starts as a pending span this processor decides.
  const ids = new RootTraceIdGenerator();
  const provider = new TracerProvider({ sampler: sampling.sampler, idGenerator: ids, spanProcessors: [processor] });
  if (!(sampling.sampler instanceof DeferringSampler)) throw new Error('expected a deferring sampler');
  startPendingSpans(provider, { sampler: sampling.sampler, ids, keeper: processor });
  const tracer = provider.getTracer('test');
  // SimpleSpanProcessor exports asynchronously; flushing it (not ours, which would decide early) waits for that.
  const exportedSpans = async () => {
    await simple.forceFlush();
    return exporter.getFinishedSpans();
  };
  const exported = async () => (await exportedSpans()).map((s) => s.name);
  return { tracer, processor, exportedSpans, exported };
}

function child(tracer: Tracer, parent: Span, name: string): Span {
  return tracer.startSpan(name, {}, trace.setSpan(context.active(), parent));
}

beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => context.disable());

describe('DeferredDecisionProcessor', () => {
  it('drops a local trace with no error once all its spans end', async () => {
    const { tracer, processor, exported } = setUp();
    const root = tracer.startSpan('GET /ok', { kind: SpanKind.SERVER });
    child(tracer, root, 'db').end();
    root.end();
    expect(await exported()).toEqual([]);
    expect(processor.stats()).toMatchObject({ droppedTraces: 1, keptTraces: 0, pendingTraces: 0, bufferedSpans: 0 });
  });

  it('keeps every span of a local trace that contains an error, and says why on the root', async () => {
    const { tracer, exportedSpans, exported } = setUp();
    const root = tracer.startSpan('GET /fail', { kind: SpanKind.SERVER });
    const db = child(tracer, root, 'db');
    db.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock' });
    db.end();
    child(tracer, root, 'cache').end();
    root.end();
    expect((await exported()).sort()).toEqual(['GET /fail', 'cache', 'db']);
    const exportedRoot = (await exportedSpans()).find((s) => s.name === 'GET /fail');
    expect(exportedRoot?.attributes['otel_bootstrap.sampling.reason']).toBe('error');
    expect(exportedRoot?.spanContext().traceFlags).toBe(1);
  });

  it.each([
    ['an HTTP server span answering 5xx', (span: Span) => span.setAttribute('http.response.status_code', 503)],
    ['an exception event', (span: Span) => span.recordException(new Error('boom'))],
  ])('treats %s as an error', async (_what, mark) => {
    const { tracer, exported } = setUp();
    const root = tracer.startSpan('GET /x', { kind: SpanKind.SERVER });
    mark(root);
    root.end();
    expect(await exported()).toEqual(['GET /x']);
  });

  /** The errors OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE names, as upstream's instrumentations leave them on the span. */
  const NOISE: [string, (tracer: Tracer, root: Span) => void][] = [
    [
      'http-client-4xx',
      (tracer, root) => {
        const call = tracer.startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
        call.setAttribute('http.response.status_code', 401);
        call.setStatus({ code: SpanStatusCode.ERROR });
        call.end();
      },
    ],
    [
      'redis-handshake',
      (tracer, root) => {
        const attributes = { 'db.system.name': 'redis', 'db.query.text': 'CLIENT SETINFO [2 arguments]' };
        const span = tracer.startSpan(
          'client',
          { kind: SpanKind.CLIENT, attributes },
          trace.setSpan(context.active(), root),
        );
        span.recordException(new Error("ERR unknown subcommand 'SETINFO'"));
        span.setStatus({ code: SpanStatusCode.ERROR, message: "ERR unknown subcommand 'SETINFO'" });
        span.end();
      },
    ],
    [
      'amqp-nack',
      (tracer, root) => {
        const span = tracer.startSpan(
          'orders process',
          { kind: SpanKind.CONSUMER },
          trace.setSpan(context.active(), root),
        );
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'nack called on message with requeue' });
        span.end();
      },
    ],
  ];

  it.each(NOISE)(
    'ignores %s when OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE names it, and keeps it otherwise',
    async (kind, noise) => {
      for (const [ignore, kept] of [
        [kind, []],
        ['none', ['GET /login', 'noise']],
      ] as const) {
        const { tracer, exported } = setUp({ OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE: ignore });
        const root = tracer.startSpan('GET /login', { kind: SpanKind.SERVER });
        noise(tracer, root);
        root.end();
        expect((await exported()).map((name) => (name === 'GET /login' ? name : 'noise')).sort()).toEqual([...kept]);
      }
    },
  );

  it('ignores 4xx CLIENT calls and the Redis handshake by default, but keeps nacks', async () => {
    const keptBy = async (noise: (tracer: Tracer, root: Span) => void) => {
      const { tracer, exported } = setUp();
      const root = tracer.startSpan('GET /login', { kind: SpanKind.SERVER });
      noise(tracer, root);
      root.end();
      return (await exported()).length > 0;
    };
    const byKind = Object.fromEntries(NOISE);
    expect(await keptBy(byKind['http-client-4xx']!)).toBe(false);
    expect(await keptBy(byKind['redis-handshake']!)).toBe(false);
    expect(await keptBy(byKind['amqp-nack']!)).toBe(true);
  });

  it('decides only when the last local span ends, not when the root ends', async () => {
    const { tracer, processor, exported } = setUp();
    const root = tracer.startSpan('GET /async', { kind: SpanKind.SERVER });
    const late = child(tracer, root, 'background-write');
    root.end(); // the response is sent; the write goes on
    expect(processor.stats().pendingTraces).toBe(1);
    late.setStatus({ code: SpanStatusCode.ERROR });
    late.end();
    expect((await exported()).sort()).toEqual(['GET /async', 'background-write']);
  });

  it('makes spans that start after the decision follow it', async () => {
    const { tracer, exported } = setUp();
    const dropped = tracer.startSpan('GET /ok', { kind: SpanKind.SERVER });
    dropped.end();
    const straggler = child(tracer, dropped, 'timer-callback');
    straggler.setStatus({ code: SpanStatusCode.ERROR });
    straggler.end();
    expect(await exported()).toEqual([]); // the trace was dropped: nothing leaks from it later

    const kept = tracer.startSpan('GET /fail', { kind: SpanKind.SERVER });
    kept.setStatus({ code: SpanStatusCode.ERROR });
    kept.end();
    child(tracer, kept, 'after').end();
    expect(await exported()).toEqual(['GET /fail', 'after']);
  });

  it('makes the descendants of a late span, and spans still open at the decision, follow it too', async () => {
    let now = 0;
    const { tracer, exported } = setUp({}, { ttlMs: 200, now: () => now });
    const kept = tracer.startSpan('GET /fail', { kind: SpanKind.SERVER });
    kept.setStatus({ code: SpanStatusCode.ERROR });
    kept.end();
    const late = child(tracer, kept, 'late');
    child(tracer, late, 'later').end();
    late.end();
    const hung = tracer.startSpan('GET /hung', { kind: SpanKind.SERVER });
    const stillOpen = child(tracer, hung, 'still-open');
    child(tracer, hung, 'failed').setStatus({ code: SpanStatusCode.ERROR }).end();
    now = 1000;
    await new Promise((resolve) => setTimeout(resolve, 250)); // decided by the time-to-live, with one span open
    stillOpen.end();
    expect(await exported()).toEqual(['GET /fail', 'later', 'late', 'failed', 'still-open']);
  });

  it('gives a second local part of the same trace its own decision', async () => {
    const { tracer, processor, exported } = setUp();
    const caller = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 0,
      isRemote: true,
    });
    // The caller's trace calls this service twice: the first answer is fine, the second fails.
    const first = tracer.startSpan('GET /a', { kind: SpanKind.SERVER }, caller);
    first.end();
    const second = tracer.startSpan('GET /b', { kind: SpanKind.SERVER }, caller);
    child(tracer, second, 'db').setStatus({ code: SpanStatusCode.ERROR }).end();
    second.end();
    expect((await exported()).sort()).toEqual(['GET /b', 'db']);
    expect(processor.stats()).toMatchObject({ droppedTraces: 1, keptTraces: 1, pendingTraces: 0 });
  });

  it('keeps a trace whose local root was slower than OTEL_BOOTSTRAP_KEEP_SLOWER_THAN', async () => {
    const { tracer, exportedSpans } = setUp({ OTEL_BOOTSTRAP_KEEP_SLOWER_THAN: '2s' });
    const fast = tracer.startSpan('fast', { kind: SpanKind.SERVER, startTime: [1000, 0] });
    fast.end([1001, 0]);
    const slow = tracer.startSpan('slow', { kind: SpanKind.SERVER, startTime: [1000, 0] });
    slow.end([1002, 500_000_000]);
    expect((await exportedSpans()).map((s) => [s.name, s.attributes['otel_bootstrap.sampling.reason']])).toEqual([
      ['slow', 'latency'],
    ]);
  });

  it('keeps buffered spans under the bound while endless traces never finish', async () => {
    const { tracer, processor } = setUp({}, { maxSpans: 1000 });
    for (let i = 0; i < 20_000; i++) {
      const root = tracer.startSpan(`never-ends-${i}`, { kind: SpanKind.SERVER }); // never ended
      for (let c = 0; c < 3; c++) child(tracer, root, 'step').end();
      expect(processor.stats().bufferedSpans).toBeLessThanOrEqual(1000);
    }
    const stats = processor.stats();
    expect(stats.evictedTraces).toBeGreaterThan(19_000);
    expect(stats.pendingTraces).toBeLessThanOrEqual(334);
  });

  it('decides a trace after the time-to-live with the spans that did end', async () => {
    let now = 0;
    const { tracer, processor, exported } = setUp({}, { ttlMs: 200, now: () => now });
    const root = tracer.startSpan('hung', { kind: SpanKind.SERVER }); // never ended
    const failed = child(tracer, root, 'failed');
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    const quiet = tracer.startSpan('quiet', { kind: SpanKind.SERVER }); // never ended, no error
    child(tracer, quiet, 'fine').end();
    now = 1000;
    await new Promise((resolve) => setTimeout(resolve, 250)); // the sweeper runs every ttl/2, at least 100 ms
    expect(await exported()).toEqual(['failed']);
    expect(processor.stats()).toMatchObject({ expiredTraces: 2, pendingTraces: 0, keptTraces: 1, droppedTraces: 1 });
  });

  it('passes sampled traces straight through', async () => {
    const { tracer, processor, exported } = setUp({ OTEL_TRACES_SAMPLER_ARG: '1' });
    tracer.startSpan('sampled').end();
    expect(await exported()).toEqual(['sampled']);
    expect(processor.stats().pendingTraces).toBe(0);
  });

  it('forwards known-kept traces on flush, and decides everything on shutdown', async () => {
    const { tracer, processor, exported } = setUp();
    const root = tracer.startSpan('GET /fail', { kind: SpanKind.SERVER }); // still open
    const failed = child(tracer, root, 'failed');
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    await processor.forceFlush();
    expect(await exported()).toEqual(['failed']);
    root.end(); // follows the decision already made
    expect(await exported()).toEqual(['failed', 'GET /fail']);
    await processor.shutdown();
  });
});
