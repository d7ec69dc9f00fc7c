import { useReceiver } from '@org/otel-testing';
import type { ReceivedMetric, TestReceiver } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

// The metrics pipeline in a real `node --require` child (shop-metrics.js: a plain http service whose GET /order
// adds 1 to the app's own `orders` counter) against the test receiver, which decodes with the official schema.

/** The latest export of `orders` from the `shop` meter, once its value reached `count`. */
async function ordersReaching(receiver: TestReceiver, count: number): Promise<ReceivedMetric> {
  const isDone = (m: ReceivedMetric) => m.name === 'orders' && m.points.some((p) => p.value === count);
  await receiver.waitForMetrics((metrics) => metrics.some(isDone));
  return receiver.metrics.find(isDone)!;
}

async function startShop(receiver: TestReceiver, env: Record<string, string>) {
  const service = await receiver.startService(fixture('shop-metrics.js'), env);
  const [, loaded] = service.fixture.stdout.match(/loaded (.*)/)!;
  return { ...service, loaded: JSON.parse(loaded) as string[] };
}

describe('metrics', () => {
  const receiver = useReceiver({ scope: 'test', env: { OTEL_BSP_SCHEDULE_DELAY: '50' } });

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])("exports the app's counter, the HTTP durations and the runtime metrics over %s", async (protocol, type) => {
    const shop = await startShop(receiver, {
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    for (let i = 0; i < 3; i++) await get(`${shop.url}/order`);

    const orders = await ordersReaching(receiver, 3);
    expect(orders).toMatchObject({
      kind: 'sum',
      isMonotonic: true,
      temporality: 'CUMULATIVE',
      scope: { name: 'shop' },
    });
    expect(orders.points[0].attributes).toEqual({ 'order.kind': 'book' });
    expect(orders.service).toBe('fixture-app'); // the resource of the spans, from the app's package.json
    expect(orders.resource['process.pid']).toBe(shop.fixture.child.pid);

    await receiver.waitForMetrics((ms) => ms.some((m) => m.name === 'http.server.request.duration'));
    const durations = receiver.histogramPoints().filter((p) => p.name === 'http.server.request.duration');
    expect(durations.at(-1)).toMatchObject({ unit: 's', count: 3 });
    expect(durations.at(-1)!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });

    // Upstream's runtime instrumentation: event loop, GC and heap.
    const names = new Set(receiver.metrics.map((m) => m.name));
    for (const name of ['nodejs.eventloop.delay.p99', 'nodejs.eventloop.utilization', 'v8js.memory.heap.used']) {
      expect(names).toContain(name);
    }
    expect(receiver.metricRequests.every((r) => r.contentType === type)).toBe(true);
    expect(receiver.decodeErrors).toEqual([]);
  });

  it('exports the last increment before SIGTERM, long before the next export interval', async () => {
    const shop = await startShop(receiver, { OTEL_METRIC_EXPORT_INTERVAL: '600000' });
    await get(`${shop.url}/order`);
    shop.fixture.child.kill('SIGTERM');
    const exit = await shop.fixture.exited;
    expect(exit.code).toBe(143); // 128 + SIGTERM, as without the bootstrap
    expect(receiver.metrics.filter((m) => m.name === 'orders').map((m) => m.points[0].value)).toEqual([1]);
  });

  it('sends a finished job’s metrics when its event loop empties (beforeExit)', async () => {
    const exit = await receiver.runFixture(fixture('short-job.js'), { REQUESTS: '4' });
    expect(exit.code).toBe(0);
    const durations = receiver.histogramPoints().filter((p) => p.name === 'http.server.request.duration');
    expect(durations.map((p) => p.count)).toEqual([4]);
  });

  it('OTEL_METRICS_EXPORTER=none sends no metrics and starts no runtime metrics, while traces still go', async () => {
    const shop = await startShop(receiver, { OTEL_METRICS_EXPORTER: 'none', OTEL_METRIC_EXPORT_INTERVAL: '100' });
    await get(`${shop.url}/order`);
    await receiver.waitForSpans(1);
    shop.fixture.child.kill('SIGTERM');
    await shop.fixture.exited;
    expect(receiver.metricRequests).toEqual([]);
    expect(shop.loaded).not.toContain('@opentelemetry/instrumentation-runtime-node');
  });

  it('with metrics and logs off, neither SDK is loaded at all', async () => {
    // With logs on, upstream's otlp-transformer (which the OTLP log exporter needs) loads sdk-metrics itself.
    const shop = await startShop(receiver, { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    for (const name of ['sdk-metrics', 'sdk-logs', 'exporter-prometheus', 'instrumentation-runtime-node']) {
      expect(shop.loaded).not.toContain(`@opentelemetry/${name}`);
    }
  });

  it('OTEL_TRACES_EXPORTER=none still sends metrics', async () => {
    const shop = await startShop(receiver, { OTEL_TRACES_EXPORTER: 'none', OTEL_METRIC_EXPORT_INTERVAL: '300' });
    await get(`${shop.url}/order`);
    await ordersReaching(receiver, 1);
    expect(receiver.spans).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it('OTEL_LOGS_EXPORTER=none changes nothing for metrics and traces', async () => {
    const shop = await startShop(receiver, { OTEL_LOGS_EXPORTER: 'none', OTEL_METRIC_EXPORT_INTERVAL: '300' });
    await get(`${shop.url}/order`);
    await ordersReaching(receiver, 1);
    await receiver.waitForSpans(1);
    expect(receiver.logRequests).toEqual([]);
    expect(shop.loaded).not.toContain('@opentelemetry/sdk-logs');
  });

  it('OTEL_BOOTSTRAP_RUNTIME_METRICS=false leaves the runtime metrics out', async () => {
    const shop = await startShop(receiver, {
      OTEL_BOOTSTRAP_RUNTIME_METRICS: 'false',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    await get(`${shop.url}/order`);
    await ordersReaching(receiver, 1);
    expect(receiver.metrics.filter((m) => /^(nodejs|v8js)\./.test(m.name))).toEqual([]);
    expect(shop.loaded).not.toContain('@opentelemetry/instrumentation-runtime-node');
  });
});
