import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { quietWithoutCollector } from '../../src/metrics/quiet-without-collector';

// Nobody chose where telemetry goes, and no collector runs on the laptop: a failed metric export is said once, at
// info level, and the reader is told it went (so it logs no error every interval); a collector that answers later
// gets the exports as usual.

function exporterAnswering(results: ExportResult[]): PushMetricExporter & { abandon(): void } {
  return {
    export: (_metrics, done) => done(results.shift()!),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    abandon: jest.fn(),
  };
}

describe('quietWithoutCollector', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says a failure once, reports it as done, and passes successes through', () => {
    const info = jest.spyOn(diag, 'info').mockImplementation(() => undefined);
    const failed = { code: 1, error: new Error('connect ECONNREFUSED') };
    const inner = exporterAnswering([failed, failed, { code: 0 }]);
    const quiet = quietWithoutCollector(inner, 'http://localhost:4318/v1/metrics');
    const results: ExportResult[] = [];
    for (let i = 0; i < 3; i++) quiet.export({} as ResourceMetrics, (result) => results.push(result));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(info.mock.calls).toEqual([
      [expect.stringContaining('no collector answers at http://localhost:4318/v1/metrics')],
    ]);
  });

  it('keeps the rest of the exporter: abandon, flush, shutdown', () => {
    const inner = exporterAnswering([]);
    quietWithoutCollector(inner, 'u').abandon();
    expect(inner.abandon).toHaveBeenCalled();
  });
});
