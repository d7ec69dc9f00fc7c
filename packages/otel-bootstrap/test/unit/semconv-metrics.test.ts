import * as diagnosticsChannel from 'node:diagnostics_channel';
import { metrics, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { recordServerDuration } from '../../src/instrumentation/http-server/server-metrics';
import { LazyHistogram } from '../../src/instrumentation/LazyHistogram';
import { recordQueryDuration, startQueryTiming } from '../../src/instrumentation/pg/pg-metrics';
import { recordRedisDurations } from '../../src/instrumentation/redis-metrics';
import { endProcessing, startProcessing } from '../../src/instrumentation/amqp-metrics';

// The attributes of the durations our instrumentations record, read back from an in-process MeterProvider. That the
// instrumentations call these for every request, command and message is checked end to end
// (test/e2e/semconv-metrics.test.ts): jest hides the require hooks.

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let reader: TestReader;
beforeEach(() => {
  reader = new TestReader();
  metrics.disable();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => metrics.disable());

/** The points of one histogram, by instrument name, as [attributes, count]. */
async function points(name: string): Promise<[Attributes, number][]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) =>
      (metric.dataPoints as DataPoint<Histogram>[]).map((p): [Attributes, number] => [p.attributes, p.value.count]),
    );
}

const unsampledSpan = {
  spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 0 }),
} as unknown as Parameters<typeof startQueryTiming>[2];

describe('LazyHistogram', () => {
  it('records into a MeterProvider registered after it was made', async () => {
    metrics.disable();
    const histogram = new LazyHistogram('scope', '1', 'late.duration', { unit: 's' });
    histogram.record(1, {}, ROOT_CONTEXT); // no provider yet: lost, as with any no-op meter
    reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    histogram.record(2, {}, ROOT_CONTEXT);
    expect(await points('late.duration')).toEqual([[{}, 1]]);
  });
});

describe('http.server.request.duration', () => {
  const request = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };

  it.each([
    [
      'a routed 200',
      { statusCode: 200, route: '/users/:id', errorName: undefined },
      { ...request, 'http.route': '/users/:id', 'http.response.status_code': 200 },
    ],
    [
      'a 503 without route',
      { statusCode: 503, route: undefined, errorName: undefined },
      { ...request, 'http.response.status_code': 503, 'error.type': '503' },
    ],
    [
      'a 404 (not an error on the server side)',
      { statusCode: 404, route: undefined, errorName: undefined },
      { ...request, 'http.response.status_code': 404 },
    ],
    [
      'a handler that threw',
      { statusCode: 200, route: '/boom', errorName: 'TypeError' },
      { ...request, 'http.route': '/boom', 'error.type': 'TypeError' },
    ],
  ])('%s', async (_name, outcome, expected) => {
    recordServerDuration(performance.now(), { request, ...outcome }, ROOT_CONTEXT);
    expect(await points('http.server.request.duration')).toEqual([[expected, 1]]);
  });
});

describe('db.client.operation.duration', () => {
  it('pg: the operation and connection, and the PostgreSQL code of a failure', async () => {
    const params = { database: 'test', host: '127.0.0.1', port: 5432 };
    recordQueryDuration(startQueryTiming(params, { text: 'select 1' }, unsampledSpan));
    recordQueryDuration(startQueryTiming(params, { text: 'select x' }, unsampledSpan), { code: '42703' });
    const base = {
      'db.system.name': 'postgresql',
      'db.namespace': 'test',
      'server.address': '127.0.0.1',
      'server.port': 5432,
      'db.operation.name': 'SELECT',
    };
    expect(await points('db.client.operation.duration')).toEqual([
      [base, 1],
      [{ ...base, 'error.type': '42703' }, 1],
    ]);
  });

  it.each([['ioredis'], ['node-redis']] as const)('%s: each command from the tracing channel', async (client) => {
    const unsubscribe = recordRedisDurations(client);
    try {
      const channel = diagnosticsChannel.tracingChannel(`${client}:command`);
      const command = { command: 'get', database: 0, serverAddress: '127.0.0.1', serverPort: 6379 };
      await channel.tracePromise(() => Promise.resolve('v'), command);
      await channel.tracePromise(() => Promise.reject(new RangeError('x')), { ...command }).catch(() => {});
      const base = {
        'db.system.name': 'redis',
        'db.operation.name': 'GET',
        'db.namespace': '0',
        'server.address': '127.0.0.1',
        'server.port': 6379,
      };
      expect(await points('db.client.operation.duration')).toEqual([
        [base, 1],
        [{ ...base, 'error.type': 'RangeError' }, 1],
      ]);
    } finally {
      unsubscribe();
    }
  });
});

describe('messaging.process.duration', () => {
  it('amqplib: from delivery to ack, and a rejected message as an error', async () => {
    const acked = { fields: { exchange: '', routingKey: 'orders' } };
    const rejected = { fields: { exchange: 'events', routingKey: 'x' } };
    startProcessing(unsampledSpan, acked);
    endProcessing(acked, false, 'ack');
    startProcessing(unsampledSpan, rejected);
    endProcessing(rejected, true, 'nack');
    endProcessing(rejected, true, 'nack'); // a second end for the same message counts nothing
    const base = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.name': 'consume',
      'messaging.operation.type': 'process',
    };
    expect(await points('messaging.process.duration')).toEqual([
      [{ ...base, 'messaging.destination.name': 'orders' }, 1],
      [{ ...base, 'messaging.destination.name': 'events', 'error.type': 'nack' }, 1],
    ]);
  });
});
