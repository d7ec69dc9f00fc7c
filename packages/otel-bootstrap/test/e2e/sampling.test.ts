import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { useReceiver } from '@org/otel-testing';
import type { ReceivedSpan, StartedService } from '@org/otel-testing';
import { closeServer, fixture, get, listen } from '../helpers/http';

const ratio = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' };

/** Server spans by trace id. */
function byTrace(spans: readonly ReceivedSpan[]): Map<string, ReceivedSpan[]> {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

describe('sampling, end to end', () => {
  const receiver = useReceiver({ scope: 'test' });

  const service = (env: Record<string, string>, name = 'svc'): Promise<StartedService> =>
    receiver.startService(fixture('sampling-service.js'), {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: name,
      ...env,
    });

  it('at ratio 0 with errors on, exports 100% of failing traces, complete, and 0 of the others', async () => {
    const { url, fixture: svc } = await service({ ...ratio, OTEL_TRACES_SAMPLER_ARG: '0' });
    for (let i = 0; i < 40; i++) expect((await get(`${url}/ok`)).status).toBe(200);
    for (let i = 0; i < 40; i++) expect((await get(`${url}/fail`)).status).toBe(500);
    svc.kill('SIGTERM'); // flushes; the /ok traces were decided before the /fail ones
    expect((await svc.exited).code).toBe(143);

    const traces = byTrace(receiver.spans);
    expect(traces.size).toBe(40);
    for (const spans of traces.values()) {
      // svc: GET [SERVER] (url.path /fail, 500) ! ERROR
      // └── svc: work [INTERNAL]
      const server = spans.find((s) => s.kind === 'SERVER');
      expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'work']);
      expect(server?.attributes).toMatchObject({
        'url.path': '/fail',
        'http.response.status_code': 500,
        'otel_bootstrap.sampling.reason': 'error',
        'otel_bootstrap.sampling.ratio': 0,
      });
    }
  });

  it('honours "GET /health*=0; /api/payments/**=1; POST /api/orders=0.5" at 10% elsewhere, per path', async () => {
    const { url, fixture: svc } = await service({
      ...ratio,
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health*=0; /api/payments/**=1; POST /api/orders=0.5',
      OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
    });
    const plan: [string, string, number][] = [
      ['GET', '/health', 200],
      ['GET', '/api/payments/7', 200],
      ['POST', '/api/orders', 400],
      ['GET', '/api/other', 400],
    ];
    for (const [method, path, count] of plan) {
      for (let i = 0; i < count; i++) await fetch(`${url}${path}`, { method });
    }
    svc.kill('SIGTERM');
    await svc.exited;

    const servers = receiver.spans.filter((s) => s.kind === 'SERVER');
    const count = (path: string) => servers.filter((s) => s.attributes['url.path'] === path).length;
    const withinFourSigma = (hits: number, n: number, p: number) =>
      Math.abs(hits - n * p) <= 4 * Math.sqrt(n * p * (1 - p));
    expect(count('/health')).toBe(0);
    expect(count('/api/payments/7')).toBe(200);
    expect(withinFourSigma(count('/api/orders'), 400, 0.5)).toBe(true);
    expect(withinFourSigma(count('/api/other'), 400, 0.1)).toBe(true);
    const payments = servers.find((s) => s.attributes['url.path'] === '/api/payments/7');
    expect(payments?.attributes).toMatchObject({
      'otel_bootstrap.sampling.reason': 'rule',
      'otel_bootstrap.sampling.rule': '/api/payments/**=1',
    });
  });

  it('makes two services agree on the decision for every trace', async () => {
    // B is not parent-based: it decides on its own, and must reach the same answer from the trace id alone.
    const b = await service(
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5', OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' },
      'svc-b',
    );
    const a = await service(
      { ...ratio, OTEL_TRACES_SAMPLER_ARG: '0.5', OTEL_BOOTSTRAP_KEEP_ERRORS: 'false', DOWNSTREAM_URL: b.url },
      'svc-a',
    );
    for (let i = 0; i < 200; i++) await get(`${a.url}/call?path=/ok`);
    a.fixture.kill('SIGTERM');
    b.fixture.kill('SIGTERM');
    await Promise.all([a.fixture.exited, b.fixture.exited]);

    const tracesOf = (service: string) =>
      new Set(receiver.spans.filter((s) => s.service === service && s.kind === 'SERVER').map((s) => s.traceId));
    const [fromA, fromB] = [tracesOf('svc-a'), tracesOf('svc-b')];
    expect(fromA.size).toBeGreaterThan(60);
    expect(fromA.size).toBeLessThan(140);
    expect([...fromB].sort()).toEqual([...fromA].sort());
  });

  it('keeps both sides when a downstream error reaches the caller as a 5xx', async () => {
    const env = { ...ratio, OTEL_TRACES_SAMPLER_ARG: '0' };
    const b = await service(env, 'svc-b');
    const a = await service({ ...env, DOWNSTREAM_URL: b.url }, 'svc-a');
    expect((await get(`${a.url}/call?path=/ok`)).status).toBe(200);
    expect((await get(`${a.url}/call?path=/fail`)).status).toBe(500);
    a.fixture.kill('SIGTERM');
    b.fixture.kill('SIGTERM');
    await Promise.all([a.fixture.exited, b.fixture.exited]);

    // svc-a: GET [SERVER] ! 500          kept by svc-a: its own answer is a 5xx
    // ├── svc-a: work [INTERNAL]
    // └── svc-a: GET [CLIENT]
    //     └── svc-b: GET [SERVER] ! 500   kept by svc-b: it failed
    //         └── svc-b: work [INTERNAL]
    const traces = byTrace(receiver.spans);
    expect(traces.size).toBe(1);
    const [spans] = traces.values();
    expect(spans.map((s) => `${s.service} ${s.kind} ${s.name}`).sort()).toEqual([
      'svc-a CLIENT GET',
      'svc-a INTERNAL work',
      'svc-a SERVER GET',
      'svc-b INTERNAL work',
      'svc-b SERVER GET',
    ]);
    const bServer = spans.find((s) => s.service === 'svc-b' && s.kind === 'SERVER');
    const aClient = spans.find((s) => s.service === 'svc-a' && s.kind === 'CLIENT');
    expect(bServer?.parentSpanId).toBe(aClient?.spanId);
  });

  it('keeps traces slower than OTEL_BOOTSTRAP_KEEP_SLOWER_THAN', async () => {
    const { url, fixture: svc } = await service({
      ...ratio,
      OTEL_TRACES_SAMPLER_ARG: '0',
      OTEL_BOOTSTRAP_KEEP_SLOWER_THAN: '200ms',
    });
    await get(`${url}/slow?ms=10`);
    await get(`${url}/slow?ms=300`);
    svc.kill('SIGTERM');
    await svc.exited;
    const servers = receiver.spans.filter((s) => s.kind === 'SERVER');
    expect(servers.map((s) => [s.attributes['url.query'], s.attributes['otel_bootstrap.sampling.reason']])).toEqual([
      ['ms=300', 'latency'],
    ]);
  });

  it('keeps the buffer under its bound under endless unfinished traces, and says so once', async () => {
    const exit = await receiver.runFixture(fixture('endless-traces.js'), {
      ...ratio,
      OTEL_TRACES_SAMPLER_ARG: '0',
      OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS: '1000',
      TRACES: '20000',
    });
    expect(exit.code).toBe(0);
    const stats = JSON.parse(exit.stdout) as { maxBuffered: number; evictedTraces: number; pendingTraces: number };
    expect(stats.maxBuffered).toBeLessThanOrEqual(1000);
    expect(stats.pendingTraces).toBeLessThanOrEqual(334);
    expect(stats.evictedTraces).toBeGreaterThanOrEqual(20000 - 334);
    expect(exit.stderr.match(/the keep buffer is full/g)).toHaveLength(1);
    expect(receiver.spans).toEqual([]);
  });
});

describe('jaeger_remote sampling against a server answering in Jaeger format', () => {
  const receiver = useReceiver({ scope: 'test' });
  let strategies: Server;
  let strategiesUrl: string;
  let requests: string[] = [];
  const strategy = {
    strategyType: 'PROBABILISTIC',
    operationSampling: {
      defaultSamplingProbability: 0,
      perOperationStrategies: [{ operation: 'GET /api/payments', probabilisticSampling: { samplingRate: 1 } }],
    },
  };

  beforeEach(async () => {
    requests = [];
    strategies = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.setHeader('content-type', 'application/json').end(JSON.stringify(strategy));
    });
    strategiesUrl = await listen(strategies);
  });
  afterEach(() => closeServer(strategies));

  it('fetches at startup and applies per-operation strategies by method and path', async () => {
    const { fixture: svc, url } = await receiver.startService(fixture('sampling-service.js'), {
      OTEL_SERVICE_NAME: 'payments-api',
      OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: `endpoint=${strategiesUrl}/sampling,pollingIntervalMs=600000,initialSamplingRate=0`,
      OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
    });
    for (let i = 0; i < 50 && requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(requests).toEqual(['/sampling?service=payments-api']); // at startup, not after the first interval
    for (let i = 0; i < 20; i++) {
      await get(`${url}/api/payments`);
      await get(`${url}/api/orders`);
    }
    svc.kill('SIGTERM');
    await svc.exited;
    const servers = receiver.spans.filter((s) => s.kind === 'SERVER');
    expect(servers).toHaveLength(20);
    expect(new Set(servers.map((s) => s.attributes['url.path']))).toEqual(new Set(['/api/payments']));
    expect(servers[0].attributes).toMatchObject({
      'otel_bootstrap.sampling.reason': 'jaeger_remote',
      'otel_bootstrap.sampling.rule': 'GET /api/payments',
    });
    // Our own request to the sampling endpoint produced no span.
    expect(receiver.spans.filter((s) => s.kind === 'CLIENT')).toEqual([]);
  });

  it('falls back to the initial rate when Jaeger is unreachable, and never holds the process open', async () => {
    const started = Date.now();
    const exit = await receiver.runFixture(fixture('one-span.js'), {
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://127.0.0.1:1/sampling,pollingIntervalMs=100,initialSamplingRate=1',
    });
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(exit.stderr).toMatch(
      /jaeger_remote: cannot get the sampling strategy from http:\/\/127\.0\.0\.1:1\/sampling/,
    );
    expect(receiver.spans.map((s) => s.name)).toEqual(['one-span']);
  });
});
