import { ROOT_CONTEXT, SeverityNumber, TraceFlags, trace } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { OtlpReceiver } from '../src/otlp-receiver';

// The receiver's metrics and logs: requests built by upstream's own serializers (otlp-transformer, both encodings)
// from what the real sdk-metrics and sdk-logs produced, posted over HTTP, decoded through the official schema.

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const resource = resourceFromAttributes({ 'service.name': 'shop' });

/** A reader that is only ever collected by hand. */
class HandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function collectMetrics(): Promise<ResourceMetrics> {
  const reader = new HandReader();
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('shop-meter', '1.2.3');
  meter.createCounter('orders').add(3, { 'order.kind': 'book' });
  const histogram = meter.createHistogram('checkout.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 1] },
  });
  histogram.record(0.05);
  histogram.record(0.5);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

async function emitLogs(): Promise<InMemoryLogRecordExporter> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const context = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  const logger = provider.getLogger('shop-logger');
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'warn',
    body: 'card declined',
    attributes: { 'order.id': 42 },
    context,
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: 'outside any span' });
  await provider.forceFlush();
  return exporter;
}

async function post(url: string, body: Uint8Array, contentType: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  return response.status;
}

const ENCODINGS = [
  ['http/protobuf', 'application/x-protobuf', ProtobufMetricsSerializer, ProtobufLogsSerializer],
  ['http/json', 'application/json', JsonMetricsSerializer, JsonLogsSerializer],
] as const;

describe.each(ENCODINGS)('the receiver over %s', (_protocol, contentType, metricsSerializer, logsSerializer) => {
  const receiver = new OtlpReceiver();
  beforeEach(() => receiver.start());
  afterEach(() => receiver.stop());

  it('decodes metrics: a counter and a histogram with their resource, scope, unit and buckets', async () => {
    const body = metricsSerializer.serializeRequest(await collectMetrics())!;
    expect(await post(`${receiver.url}/v1/metrics`, body, contentType)).toBe(200);
    const orders = await receiver.waitForMetric('orders');
    expect(orders).toMatchObject({ kind: 'sum', isMonotonic: true, temporality: 'CUMULATIVE', service: 'shop' });
    expect(orders.scope).toEqual({ name: 'shop-meter', version: '1.2.3' });
    expect(orders.points).toMatchObject([{ value: 3, attributes: { 'order.kind': 'book' } }]);
    expect(receiver.histogramPoints()).toMatchObject([
      {
        name: 'checkout.duration',
        unit: 's',
        scope: 'shop-meter',
        count: 2,
        bounds: [0.1, 1],
        bucketCounts: [1, 1, 0],
      },
    ]);
    expect(receiver.histogramPoints()[0].sum).toBeCloseTo(0.55);
    expect(receiver.decodeErrors).toEqual([]);
    expect(receiver.requests).toEqual([]); // trace requests only
    expect(receiver.metricRequests).toHaveLength(1);
  });

  it('decodes log records: severity, body, attributes and the span ids', async () => {
    const exporter = await emitLogs();
    const body = logsSerializer.serializeRequest(exporter.getFinishedLogRecords())!;
    expect(await post(`${receiver.url}/v1/logs`, body, contentType)).toBe(200);
    await receiver.waitForLogs((logs) => logs.length === 2);
    expect(receiver.logs).toMatchObject([
      {
        severityNumber: 13,
        severityText: 'warn',
        body: 'card declined',
        attributes: { 'order.id': 42 },
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        flags: 1,
        service: 'shop',
        scope: { name: 'shop-logger' },
      },
      { severityNumber: 9, body: 'outside any span', traceId: '', spanId: '' },
    ]);
    expect(receiver.logRequests).toHaveLength(1);
  });
});

describe('the receiver', () => {
  const receiver = new OtlpReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('reads exemplars from OTLP/JSON, with hex ids', async () => {
    // Hand-written: upstream's serializers write no exemplars (our exporter adds them, src/metrics/exemplars).
    const point = {
      timeUnixNano: '2',
      count: '1',
      sum: 0.2,
      bucketCounts: ['0', '1'],
      explicitBounds: [0.1],
      exemplars: [{ timeUnixNano: '2', asDouble: 0.2, traceId: TRACE_ID, spanId: SPAN_ID }],
    };
    const metric = { name: 'h', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [point] } };
    const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ scope: { name: 's' }, metrics: [metric] }] }] });
    expect(await post(`${receiver.url}/v1/metrics`, Buffer.from(body), 'application/json')).toBe(200);
    expect(receiver.histogramPoints()[0].exemplars).toMatchObject([{ value: 0.2, traceId: TRACE_ID, spanId: SPAN_ID }]);
  });

  it('answers 400 and records a decode error for a body that is not OTLP', async () => {
    expect(await post(`${receiver.url}/v1/logs`, Buffer.from([0xff, 0xff, 0xff]), 'application/x-protobuf')).toBe(400);
    expect(receiver.decodeErrors).toHaveLength(1);
  });

  it('answers 404 elsewhere', async () => {
    expect(await post(`${receiver.url}/v1/profiles`, Buffer.from('{}'), 'application/json')).toBe(404);
  });
});
