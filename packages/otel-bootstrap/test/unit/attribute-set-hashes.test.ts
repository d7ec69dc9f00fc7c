import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { installAttributeSetHashes, keyOnceFor, rememberAttributeSet } from '../../src/metrics/attribute-set-hashes';

describe('series keys made once for our remembered attribute sets', () => {
  it('takes the place of the hash in the sdk-metrics we ship (3.1), and only once', () => {
    expect(installAttributeSetHashes(require.resolve('@opentelemetry/sdk-metrics'))).toBe(true);
    expect(installAttributeSetHashes(require.resolve('@opentelemetry/sdk-metrics'))).toBe(true);
    const utils = require('node:path').join(require.resolve('@opentelemetry/sdk-metrics'), '..', 'utils.cjs');
    expect((require(utils) as { hashAttributes: { name: string } }).hashAttributes.name).toBe('hashAttributesOnce');
  });

  it('hashes a remembered set once, anything else every time, with the same keys as the hash it wraps', () => {
    const hash = jest.fn((attributes: Attributes) => JSON.stringify(Object.entries(attributes).sort()));
    const once = keyOnceFor(hash);
    const remembered = rememberAttributeSet({ 'db.system.name': 'redis', 'server.port': 6379 });
    const mutable: Attributes = { 'db.system.name': 'redis', 'server.port': 6379 };
    for (let i = 0; i < 3; i++) expect(once(remembered)).toBe(hash.getMockImplementation()!(remembered));
    expect(hash).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++) expect(once(mutable)).toBe(once(remembered));
    expect(hash).toHaveBeenCalledTimes(4);
    expect(Object.isFrozen(remembered)).toBe(true);
  });

  it("makes a remembered set's key once in a real MeterProvider, with sdk-metrics' own hash", () => {
    jest.isolateModules(() => {
      const entry = require.resolve('@opentelemetry/sdk-metrics');
      const utils = require(require('node:path').join(entry, '..', 'utils.cjs')) as {
        hashAttributes: (attributes: Attributes) => string;
      };
      const ownHash = jest.fn(utils.hashAttributes);
      utils.hashAttributes = ownHash;
      const isolated =
        require('../../src/metrics/attribute-set-hashes') as typeof import('../../src/metrics/attribute-set-hashes');
      expect(isolated.installAttributeSetHashes(entry)).toBe(true);
      const sdk = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
      const reader = new sdk.PeriodicExportingMetricReader({
        exporter: new sdk.InMemoryMetricExporter(sdk.AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 60_000,
      });
      const histogram = new sdk.MeterProvider({ readers: [reader] }).getMeter('test').createHistogram('duration');
      const remembered = isolated.rememberAttributeSet({ 'db.system.name': 'postgresql', 'db.namespace': 'test' });
      for (let i = 0; i < 5; i++) histogram.record(i, remembered);
      expect(ownHash.mock.calls.filter(([attributes]) => attributes === remembered)).toHaveLength(1);
      const appOwn = { 'db.system.name': 'postgresql' };
      for (let i = 0; i < 3; i++) histogram.record(i, appOwn);
      // hashed on every record (the first one twice, by two of sdk-metrics' maps)
      expect(ownHash.mock.calls.filter(([attributes]) => attributes === appOwn).length).toBeGreaterThanOrEqual(3);
    });
  });

  it('changes nothing where sdk-metrics has no such file', () => {
    expect(installAttributeSetHashes('/nowhere/node_modules/@opentelemetry/sdk-metrics/dist/index.cjs')).toBe(false);
  });

  it('keeps every series apart as sdk-metrics would: equal sets share one, a changed app object does not', async () => {
    installAttributeSetHashes(require.resolve('@opentelemetry/sdk-metrics'));
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const histogram = provider.getMeter('test').createHistogram('duration');
    const route = rememberAttributeSet({ 'http.route': '/items/:id', 'http.request.method': 'GET' });
    histogram.record(1, route);
    histogram.record(2, route);
    histogram.record(3, { 'http.request.method': 'GET', 'http.route': '/items/:id' });
    const appOwn: Attributes = { 'http.route': '/a' };
    histogram.record(4, appOwn);
    appOwn['http.route'] = '/b';
    histogram.record(5, appOwn);
    await reader.forceFlush();
    const points = exporter.getMetrics()[0].scopeMetrics[0].metrics[0].dataPoints;
    // sdk-metrics keeps the first object of a series by reference, so only the sums tell the app's two apart
    const sums = points.map((p) => (p.value as { sum: number }).sum).sort();
    expect(sums).toEqual([4, 5, 6]);
    expect(points.find((p) => (p.value as { sum: number }).sum === 6)?.attributes).toEqual(route);
    await provider.shutdown();
  });
});
