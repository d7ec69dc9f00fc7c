import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { readConfig } from '../../src/config/read-config';
import { createOtlpLogExporter } from '../../src/logs/create-otlp-log-exporter';
import { LogExportError } from '../../src/logs/LogExportError';
import { exportFailure, RateLimitedConsoleLogger } from '../../src/sdk/diagnostics';
import { closedPort } from '../helpers/http';

/** A logger that writes to `lines`, on a clock the test moves. */
function loggerWithClock() {
  const lines: string[] = [];
  const clock = { now: 0 };
  const logger = new RateLimitedConsoleLogger(
    (line) => lines.push(line),
    () => clock.now,
  );
  return { lines, logger, clock };
}

describe('RateLimitedConsoleLogger', () => {
  it('prints a repeated message once a minute, with the count of what it held back', () => {
    const { lines, logger, clock } = loggerWithClock();
    for (let i = 0; i < 30; i++) {
      logger.warn(`export failed: connect ECONNREFUSED 127.0.0.1:${4000 + i}`);
      clock.now += 1000;
    }
    expect(lines).toHaveLength(1);
    clock.now += 60_000;
    logger.warn('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/\(29 similar messages in the last minute\)$/);
  });

  it('prints different messages independently', () => {
    const lines: string[] = [];
    const logger = new RateLimitedConsoleLogger(
      (line) => lines.push(line),
      () => 0,
    );
    logger.warn('one');
    logger.warn('two');
    logger.error('one');
    expect(lines).toEqual(['[otel-bootstrap] warn: one', '[otel-bootstrap] warn: two', '[otel-bootstrap] error: one']);
  });

  it('treats the warnings of one collector outage as one problem: one line a minute', () => {
    const { lines, logger, clock } = loggerWithClock();
    for (let i = 0; i < 12; i++) {
      logger.info('Export retry time 4460ms exceeds remaining timeout 1975ms, not retrying further.');
      logger.warn('span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318');
      logger.warn(`Dropped ${i * 100} spans because maxQueueSize reached`);
      clock.now += 5000;
    }
    expect(lines.filter((line) => line.includes(' warn: '))).toEqual([
      '[otel-bootstrap] warn: span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
    ]);
    expect(lines).toHaveLength(2); // and the retry notice, once, at info level
    clock.now += 60_000;
    logger.warn('span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318');
    expect(lines[2]).toMatch(/\(23 similar messages in the last minute\)$/);
  });

  it('gives each signal its own line a minute: one failing does not hide another', () => {
    const { lines, logger, clock } = loggerWithClock();
    const metrics = new Error(
      'PeriodicExportingMetricReader: metrics export failed (error OTLPExporterError: Not Found)',
    );
    for (let i = 0; i < 12; i++) {
      // A spans outage first, then the metrics and log records of a collector without those pipelines.
      logger.warn(exportFailure(new Error('connect ECONNREFUSED 127.0.0.1:4318')));
      logger.warn(`Dropped ${i * 100} spans because maxQueueSize reached`);
      logger.warn(exportFailure(metrics));
      logger.warn(exportFailure(new LogExportError(new Error(`connect ECONNREFUSED 127.0.0.1:${4318 + i}`))));
      clock.now += 5000;
    }
    expect(lines).toEqual([
      '[otel-bootstrap] warn: span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
      '[otel-bootstrap] warn: metric export failed, metrics are being dropped: OTLPExporterError: Not Found',
      '[otel-bootstrap] warn: log export failed, log records are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
    ]);
    clock.now += 60_000;
    logger.warn(exportFailure(new LogExportError(new Error('connect ECONNREFUSED 127.0.0.1:4318'))));
    logger.warn(exportFailure(new Error('connect ECONNREFUSED 127.0.0.1:4318')));
    expect(lines.slice(3)).toEqual([
      '[otel-bootstrap] warn: log export failed, log records are being dropped: connect ECONNREFUSED ' +
        '127.0.0.1:4318 (11 similar messages in the last minute)',
      '[otel-bootstrap] warn: span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318 ' +
        '(23 similar messages in the last minute)',
    ]);
  });
});

describe('exportFailure', () => {
  it.each([
    [
      'a span batch',
      new Error('connect ECONNREFUSED 127.0.0.1:4318'),
      'span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
    ],
    [
      "the periodic metric reader's, which names it",
      new Error('PeriodicExportingMetricReader: metrics export failed (error OTLPExporterError: Not Found)'),
      'metric export failed, metrics are being dropped: OTLPExporterError: Not Found',
    ],
    [
      "our OTLP log exporter's",
      new LogExportError(new Error('connect ECONNREFUSED 127.0.0.1:4318')),
      'log export failed, log records are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
    ],
    [
      'a reader error that is not a failed export',
      new Error('PeriodicExportingMetricReader: something else'),
      'span export failed, spans are being dropped: PeriodicExportingMetricReader: something else',
    ],
  ])('names what was dropped: %s', (_name, error, line) => {
    expect(exportFailure(error)).toBe(line);
  });
});

describe('a failed export of the OTLP log exporter', () => {
  it('reaches the error handler marked as a log export, with the reason as its message', async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
    };
    const exporter = createOtlpLogExporter(readConfig(env).config.logs.otlp);
    try {
      const result = await new Promise<ExportResult>((done) => exporter.export([], done));
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error).toBeInstanceOf(LogExportError);
      expect(exportFailure(result.error)).toMatch(
        /^log export failed, log records are being dropped: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      );
    } finally {
      await exporter.shutdown();
    }
  });
});
