import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { otlpRoot } from '@org/otel-testing';
import { ExemplarStore } from '../../src/metrics/exemplars/ExemplarStore';
import { createOtlpMetricExporter } from '../../src/metrics/exemplars/create-otlp-metric-exporter';
import type { OtlpMetricExportOptions } from '../../src/metrics/exemplars/create-otlp-metric-exporter';
import { withExemplars } from '../../src/metrics/exemplars/with-exemplars';

// Histograms recorded through withExemplars(), exported by createOtlpMetricExporter() to a real HTTP endpoint, and
// decoded with the official opentelemetry-proto schema (@org/otel-testing's): exemplars carry the trace and span id
// of the sampled span they were recorded in, none come from unsampled spans, in both protocols.

const SAMPLED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
const UNSAMPLED = { traceId: '1bf7651916cd43dd8448eb211c80319c', spanId: 'c7ad6b7169203331' };
const inSpan = (ids: { traceId: string; spanId: string }, flags: number): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { ...ids, traceFlags: flags });

const ExportMetricsServiceRequest = otlpRoot.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);

interface DecodedExemplar {
  asDouble: number;
  traceId?: string;
  spanId?: string;
  timeUnixNano: string;
  filteredAttributes?: { key: string; value: { stringValue?: string } }[];
}
interface DecodedPoint {
  attributes: { key: string; value: { stringValue?: string } }[];
  bucketCounts: string[];
  exemplars?: DecodedExemplar[];
}

/** An endpoint that keeps the decoded bodies of the metric requests it gets. */
async function startEndpoint() {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const json = String(req.headers['content-type']).startsWith('application/json');
      // OTLP/JSON's ids are hex where protobufjs's JSON reading expects base64: decoded by hand below.
      const message = json
        ? ExportMetricsServiceRequest.fromObject(JSON.parse(body.toString('utf8')) as object)
        : ExportMetricsServiceRequest.decode(body);
      const decoded = ExportMetricsServiceRequest.toObject(message, { longs: String, bytes: String, arrays: true });
      if (json) (decoded as { raw?: unknown }).raw = JSON.parse(body.toString('utf8'));
      bodies.push(decoded);
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Endpoint = Awaited<ReturnType<typeof startEndpoint>>;
let endpoint: Endpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(() => endpoint.close());
beforeEach(() => endpoint.bodies.splice(0));

/** Records through a fresh pipeline and returns the histogram points of the one export. */
async function exportOnce(
  protocol: OtlpMetricExportOptions['protocol'],
  record: (histogram: { record(value: number, attributes: object, context: Context): void }) => void,
  { filter = 'trace_based' as 'trace_based' | 'always_on', withStore = true } = {},
): Promise<{ points: DecodedPoint[]; raw?: unknown }> {
  const store = new ExemplarStore(filter);
  const exporter = createOtlpMetricExporter(
    {
      url: endpoint.url,
      protocol,
      headers: {},
      timeoutMillis: 5000,
      compression: 'gzip',
      temporalityPreference: 'cumulative',
    },
    withStore ? store : undefined,
  );
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const sdk = new MeterProvider({ readers: [reader] });
  const histogram = withExemplars(sdk, store)
    .getMeter('test-scope', '1.0.0')
    .createHistogram('test.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } });
  record(histogram);
  await reader.forceFlush();
  await sdk.shutdown();
  const [body] = endpoint.bodies as {
    resourceMetrics: { scopeMetrics: { metrics: { histogram: { dataPoints: DecodedPoint[] } }[] }[] }[];
    raw?: unknown;
  }[];
  return { points: body.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints, raw: body.raw };
}

const hex = (base64: string | undefined) =>
  base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('hex');

describe('exemplars over OTLP/protobuf', () => {
  it('carry the trace and span id of the sampled span, one per bucket, none from an unsampled span', async () => {
    const { points } = await exportOnce('http/protobuf', (histogram) => {
      histogram.record(0.05, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(0.5, { route: '/a' }, inSpan(UNSAMPLED, TraceFlags.NONE));
      histogram.record(0.07, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
    });
    expect(points).toHaveLength(1);
    expect(points[0].bucketCounts).toEqual(['2', '1', '0']);
    const exemplars = points[0].exemplars ?? [];
    // the latest of the first bucket; the middle bucket's only measurement was in an unsampled span
    expect(exemplars.map((e) => [e.asDouble, hex(e.traceId), hex(e.spanId)])).toEqual([
      [0.07, SAMPLED.traceId, SAMPLED.spanId],
    ]);
    expect(BigInt(exemplars[0].timeUnixNano)).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
  });

  it('go to the point of their own attributes', async () => {
    const { points } = await exportOnce('http/protobuf', (histogram) => {
      histogram.record(2, { route: '/slow' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(0.01, { route: '/fast' }, ROOT_CONTEXT);
    });
    const byRoute = Object.fromEntries(points.map((p) => [p.attributes[0].value.stringValue, p.exemplars ?? []]));
    expect(byRoute['/slow'].map((e) => e.asDouble)).toEqual([2]);
    expect(byRoute['/fast']).toEqual([]);
  });

  it('always_on keeps unsampled measurements too, without trace ids', async () => {
    const { points } = await exportOnce(
      'http/protobuf',
      (histogram) => histogram.record(0.5, {}, inSpan(UNSAMPLED, TraceFlags.NONE)),
      { filter: 'always_on' },
    );
    expect(points[0].exemplars?.map((e) => [e.asDouble, e.traceId ?? ''])).toEqual([[0.5, '']]);
  });

  it('are absent without a store', async () => {
    const { points } = await exportOnce(
      'http/protobuf',
      (histogram) => histogram.record(0.5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED)),
      { withStore: false },
    );
    expect(points[0].exemplars ?? []).toEqual([]);
  });
});

describe('exemplars over OTLP/JSON', () => {
  it('carry the hex trace and span id of the sampled span, none from an unsampled span', async () => {
    const { points, raw } = await exportOnce('http/json', (histogram) => {
      histogram.record(0.05, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(5, { route: '/a' }, inSpan(UNSAMPLED, TraceFlags.NONE));
    });
    expect(points[0].bucketCounts).toEqual(['1', '0', '1']);
    const rawPoint = (
      raw as { resourceMetrics: { scopeMetrics: { metrics: { histogram: { dataPoints: DecodedPoint[] } }[] }[] }[] }
    ).resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0];
    expect(rawPoint.exemplars?.map((e) => [e.asDouble, e.traceId, e.spanId])).toEqual([
      [0.05, SAMPLED.traceId, SAMPLED.spanId],
    ]);
    // and the official schema reads the exemplar where OTLP puts it
    expect(points[0].exemplars?.map((e) => e.asDouble)).toEqual([0.05]);
  });
});

describe('ExemplarStore', () => {
  const key = { scope: 's', name: 'h' };
  const window = { startMillis: 0, endMillis: Number.MAX_SAFE_INTEGER };

  it('names as filtered attributes those of the measurement that the point lacks', () => {
    const store = new ExemplarStore('trace_based');
    store.offer(key, [1], 0.5, { route: '/a', user: 'u1' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
    const [exemplar] = store.collect(key, { attributes: { route: '/a' }, boundaries: [1], ...window });
    expect(exemplar.filteredAttributes).toEqual({ user: 'u1' });
  });

  it('forgets a delta point exemplars up to its end, and keeps later ones', () => {
    const store = new ExemplarStore('trace_based');
    store.offer(key, [1], 0.5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED));
    store.clear(key, {}, Date.now());
    expect(store.collect(key, { attributes: {}, boundaries: [1], ...window })).toEqual([]);
    store.offer(key, [1], 0.5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED));
    store.clear(key, {}, Date.now() - 60_000);
    expect(store.collect(key, { attributes: {}, boundaries: [1], ...window })).toHaveLength(1);
  });

  it('keeps out of a point the exemplars from before its window', () => {
    const store = new ExemplarStore('trace_based');
    store.offer(key, [1], 0.5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED));
    const later = Date.now() + 60_000;
    expect(store.collect(key, { attributes: {}, boundaries: [1], startMillis: later, endMillis: later })).toEqual([]);
  });
});
