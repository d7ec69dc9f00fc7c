import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import type { HistogramMetricData, MetricData } from '@opentelemetry/sdk-metrics';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

// The demo's business metrics through the plain metrics API, against an in-process MeterProvider. The module is
// loaded before the provider is installed, as it is in a service (required at start, used at the first order):
// instruments taken at load time would stay no-ops for good.
const { BUSINESS_METRICS, ERROR_TYPES, businessMetrics } = require('../src/lib/business-metrics') as {
  BUSINESS_METRICS: Record<string, { name: string; kind: string; unit: string; attributes: string[] }>;
  ERROR_TYPES: Record<string, string>;
  businessMetrics: {
    orderPlaced(): void;
    orderFailed(reason: string): void;
    paymentCharged(amount: unknown, outcome: string): void;
  };
};

class TestReader extends MetricReader {
  protected onForceFlush = () => Promise.resolve();
  protected onShutdown = () => Promise.resolve();
}

describe('the demo business metrics', () => {
  const reader = new TestReader();
  let collected: MetricData[];

  beforeAll(async () => {
    // Recorded before any provider: dropped, and no throw into the order being served.
    expect(() => businessMetrics.orderPlaced()).not.toThrow();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    businessMetrics.orderPlaced();
    businessMetrics.orderPlaced();
    businessMetrics.orderFailed(ERROR_TYPES.paymentRejected);
    businessMetrics.orderFailed(ERROR_TYPES.notStored);
    // Amounts travel as JSON over RabbitMQ; a string amount is still a number on the histogram.
    businessMetrics.paymentCharged('42', 'confirmed');
    businessMetrics.paymentCharged(6000, 'rejected');
    const { resourceMetrics } = await reader.collect();
    collected = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  });

  afterAll(() => metrics.disable());

  const byName = (name: string) => collected.find((m) => m.descriptor.name === name) as MetricData;
  const points = (name: string) => byName(name).dataPoints.map((p) => [p.attributes, p.value]);

  it('exports every instrument of the table, with its unit, kind and only its declared attributes', () => {
    expect(collected.map((m) => m.descriptor.name).sort()).toEqual(
      Object.values(BUSINESS_METRICS)
        .map((m) => m.name)
        .sort(),
    );
    for (const { name, kind, unit, attributes } of Object.values(BUSINESS_METRICS)) {
      const metric = byName(name);
      expect([name, metric.descriptor.unit]).toEqual([name, unit]);
      const type = kind === 'histogram' ? DataPointType.HISTOGRAM : DataPointType.SUM;
      expect([name, metric.dataPointType]).toEqual([name, type]);
      for (const point of metric.dataPoints) expect(Object.keys(point.attributes)).toEqual(attributes);
    }
  });

  it('counts orders placed and failed, by reason', () => {
    expect(points(BUSINESS_METRICS.ordersPlaced.name)).toEqual([[{}, 2]]);
    expect(points(BUSINESS_METRICS.ordersFailed.name)).toEqual([
      [{ 'error.type': 'payment_rejected' }, 1],
      [{ 'error.type': 'order_not_stored' }, 1],
    ]);
  });

  it('records payment amounts by outcome, in buckets that span the orders the demo sends', () => {
    const histogram = byName(BUSINESS_METRICS.paymentAmount.name) as HistogramMetricData;
    const summary = histogram.dataPoints.map((p) => [p.attributes['payment.outcome'], p.value.sum, p.value.count]);
    expect(summary).toEqual([
      ['confirmed', 42, 1],
      ['rejected', 6000, 1],
    ]);
    expect(histogram.dataPoints[0].value.buckets.boundaries).toEqual([
      10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
    ]);
  });
});

describe('the orders service records them', () => {
  const reader = new TestReader();
  // The order's backends, stood in: the INSERT answers an id unless the amount breaks the CHECK constraint.
  const deps = {
    pg: {
      query: (_sql: string, [, amount]: number[]) =>
        amount > 0 ? Promise.resolve({ rows: [{ id: 7 }] }) : Promise.reject(new Error('violates check constraint')),
    },
    redis: { set: () => Promise.resolve('OK') },
    channel: { publish: () => true },
  };

  beforeAll(() => metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] })));
  afterAll(() => metrics.disable());

  it('counts a stored order as placed, and one PostgreSQL refused as failed', async () => {
    const { createApp } = require('../src/orders') as {
      createApp: (d: unknown) => import('node:http').RequestListener;
    };
    const server = createServer(createApp(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const post = (query: string) =>
      fetch(`${url}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 1, amount: 5 }),
      }).then((r) => r.status);
    try {
      expect([await post(''), await post('?fail=orders')]).toEqual([201, 500]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const { resourceMetrics } = await reader.collect();
    const sums = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .map((m) => [m.descriptor.name, m.dataPoints.map((p) => [p.attributes, p.value])]);
    expect(sums).toEqual([
      [BUSINESS_METRICS.ordersPlaced.name, [[{}, 1]]],
      [BUSINESS_METRICS.ordersFailed.name, [[{ 'error.type': ERROR_TYPES.notStored }, 1]]],
    ]);
  });
});
