import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { useReceiver } from '@org/otel-testing';
import type { ReceivedHistogramPoint } from '@org/otel-testing';
import { ExemplarStore } from '../../src/metrics/exemplars/ExemplarStore';
import { createOtlpMetricExporter } from '../../src/metrics/exemplars/create-otlp-metric-exporter';
import type { OtlpMetricExportOptions } from '../../src/metrics/exemplars/create-otlp-metric-exporter';
import { withExemplars } from '../../src/metrics/exemplars/with-exemplars';

// Histograms recorded through withExemplars(), exported by createOtlpMetricExporter() to the test receiver, which
// decodes both protocols with the official opentelemetry-proto schema: exemplars carry the trace and span id of the
// sampled span they were recorded in, and none come from unsampled spans.

const SAMPLED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
const UNSAMPLED = { traceId: '1bf7651916cd43dd8448eb211c80319c', spanId: 'c7ad6b7169203331' };
const inSpan = (ids: { traceId: string; spanId: string }, flags: number): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { ...ids, traceFlags: flags });

const receiver = useReceiver({ scope: 'test' });

type Recorder = { record(value: number, attributes: Attributes, context: Context): void };

/** Records through a fresh pipeline and returns the histogram points of its one export. */
async function exportOnce(
  protocol: OtlpMetricExportOptions['protocol'],
  record: (histogram: Recorder) => void,
  { filter = 'trace_based' as 'trace_based' | 'always_on', withStore = true } = {},
): Promise<ReceivedHistogramPoint[]> {
  const store = new ExemplarStore(filter);
  const exporter = createOtlpMetricExporter(
    {
      url: `${receiver.url}/v1/metrics`,
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
  record(histogram as Recorder);
  await sdk.shutdown(); // its last collection is the one export
  expect(receiver.decodeErrors).toEqual([]);
  expect(receiver.metricRequests).toHaveLength(1);
  return receiver.histogramPoints();
}

describe('exemplars over OTLP/protobuf', () => {
  it('carry the trace and span id of the sampled span, one per bucket, none from an unsampled span', async () => {
    const points = await exportOnce('http/protobuf', (histogram) => {
      histogram.record(0.05, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(0.5, { route: '/a' }, inSpan(UNSAMPLED, TraceFlags.NONE));
      histogram.record(0.07, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
    });
    expect(points).toHaveLength(1);
    expect(points[0].bucketCounts).toEqual([2, 1, 0]);
    const { exemplars } = points[0];
    // the latest of the first bucket; the middle bucket's only measurement was in an unsampled span
    expect(exemplars.map((e) => [e.value, e.traceId, e.spanId])).toEqual([[0.07, SAMPLED.traceId, SAMPLED.spanId]]);
    expect(exemplars[0].timeUnixNano).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
  });

  it('go to the point of their own attributes', async () => {
    const points = await exportOnce('http/protobuf', (histogram) => {
      histogram.record(2, { route: '/slow' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(0.01, { route: '/fast' }, ROOT_CONTEXT);
    });
    const byRoute = Object.fromEntries(points.map((p) => [String(p.attributes.route), p.exemplars]));
    expect(byRoute['/slow'].map((e) => e.value)).toEqual([2]);
    expect(byRoute['/fast']).toEqual([]);
  });

  it('always_on keeps unsampled measurements too, without trace ids', async () => {
    const points = await exportOnce(
      'http/protobuf',
      (histogram) => histogram.record(0.5, {}, inSpan(UNSAMPLED, TraceFlags.NONE)),
      { filter: 'always_on' },
    );
    expect(points[0].exemplars.map((e) => [e.value, e.traceId, e.spanId])).toEqual([[0.5, '', '']]);
  });

  it('are absent without a store', async () => {
    const points = await exportOnce(
      'http/protobuf',
      (histogram) => histogram.record(0.5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED)),
      { withStore: false },
    );
    expect(points[0].count).toBe(1);
    expect(points[0].exemplars).toEqual([]);
  });
});

describe('exemplars over OTLP/JSON', () => {
  it('carry the trace and span id of the sampled span (hex on the wire), none from an unsampled span', async () => {
    const points = await exportOnce('http/json', (histogram) => {
      histogram.record(0.05, { route: '/a' }, inSpan(SAMPLED, TraceFlags.SAMPLED));
      histogram.record(5, { route: '/a' }, inSpan(UNSAMPLED, TraceFlags.NONE));
    });
    expect(points[0].bucketCounts).toEqual([1, 0, 1]);
    expect(points[0].exemplars.map((e) => [e.value, e.traceId, e.spanId])).toEqual([
      [0.05, SAMPLED.traceId, SAMPLED.spanId],
    ]);
    expect(receiver.metricRequests[0].body.toString('utf8')).toContain(`"traceId":"${SAMPLED.traceId}"`);
  });
});

describe('exemplars with delta temporality', () => {
  it('belong to the interval they were recorded in', async () => {
    const store = new ExemplarStore('trace_based');
    const exporter = createOtlpMetricExporter(
      {
        url: `${receiver.url}/v1/metrics`,
        protocol: 'http/protobuf',
        headers: {},
        timeoutMillis: 5000,
        compression: 'none',
        temporalityPreference: 'delta',
      },
      store,
    );
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const sdk = new MeterProvider({ readers: [reader] });
    const histogram = withExemplars(sdk, store).getMeter('test-scope').createHistogram('test.duration');
    histogram.record(5, {}, inSpan(SAMPLED, TraceFlags.SAMPLED));
    await reader.forceFlush();
    histogram.record(6, {}, inSpan(UNSAMPLED, TraceFlags.NONE));
    await reader.forceFlush();
    await sdk.shutdown();
    expect(receiver.metrics.map((m) => m.temporality)).toEqual(['DELTA', 'DELTA']);
    const [first, second] = receiver.histogramPoints();
    expect(first.exemplars.map((e) => [e.value, e.traceId])).toEqual([[5, SAMPLED.traceId]]);
    // the first interval's exemplar, in the same bucket, is not shown again
    expect([second.count, second.exemplars]).toEqual([1, []]);
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
