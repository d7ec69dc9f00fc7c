import { exportFailure, RateLimitedConsoleLogger } from '../../src/sdk/diagnostics';

describe('RateLimitedConsoleLogger', () => {
  it('prints a repeated message once a minute, with the count of what it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const logger = new RateLimitedConsoleLogger(
      (line) => lines.push(line),
      () => now,
    );
    for (let i = 0; i < 30; i++) {
      logger.warn(`export failed: connect ECONNREFUSED 127.0.0.1:${4000 + i}`);
      now += 1000;
    }
    expect(lines).toHaveLength(1);
    now += 60_000;
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
    const lines: string[] = [];
    let now = 0;
    const logger = new RateLimitedConsoleLogger(
      (line) => lines.push(line),
      () => now,
    );
    for (let i = 0; i < 12; i++) {
      logger.info('Export retry time 4460ms exceeds remaining timeout 1975ms, not retrying further.');
      logger.warn('span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318');
      logger.warn(`Dropped ${i * 100} spans because maxQueueSize reached`);
      now += 5000;
    }
    expect(lines.filter((line) => line.includes(' warn: '))).toEqual([
      '[otel-bootstrap] warn: span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318',
    ]);
    expect(lines).toHaveLength(2); // and the retry notice, once, at info level
    now += 60_000;
    logger.warn('span export failed, spans are being dropped: connect ECONNREFUSED 127.0.0.1:4318');
    expect(lines[2]).toMatch(/\(23 similar messages in the last minute\)$/);
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
      'a reader error that is not a failed export',
      new Error('PeriodicExportingMetricReader: something else'),
      'span export failed, spans are being dropped: PeriodicExportingMetricReader: something else',
    ],
  ])('names what was dropped: %s', (_name, error, line) => {
    expect(exportFailure(error)).toBe(line);
  });
});
