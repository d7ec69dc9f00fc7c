import { readConfig } from '../../src/config/read-config';

// The metrics and logs sections: the OTLP variables resolved per signal as the specification says (the signal's
// path appended to the generic endpoint only), the exporter lists, and the settings that would break the SDK.

const SIGNALS = [
  ['metrics', 'METRICS'],
  ['logs', 'LOGS'],
] as const;

describe.each(SIGNALS)('the %s OTLP settings', (signal, NAME) => {
  const otlpOf = (env: Record<string, string>) => readConfig(env).config[signal].otlp;

  it('default to the local collector, protobuf, no compression', () => {
    expect(otlpOf({})).toEqual({
      url: `http://localhost:4318/v1/${signal}`,
      protocol: 'http/protobuf',
      headers: {},
      timeoutMillis: 10000,
      compression: 'none',
    });
  });

  it('append the signal path to the generic endpoint, with or without its trailing slash', () => {
    expect(otlpOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).url).toBe(`http://c:4318/v1/${signal}`);
    expect(otlpOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/base/' }).url).toBe(`http://c:4318/base/v1/${signal}`);
  });

  it('use the signal endpoint as is, over the generic one', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      [`OTEL_EXPORTER_OTLP_${NAME}_ENDPOINT`]: 'http://s:1/x',
    };
    expect(otlpOf(env).url).toBe('http://s:1/x');
  });

  it('take the signal variables over the generic ones, and merge the headers', () => {
    const otlp = otlpOf({
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      [`OTEL_EXPORTER_OTLP_${NAME}_HEADERS`]: 'b=3',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      [`OTEL_EXPORTER_OTLP_${NAME}_PROTOCOL`]: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '700',
      [`OTEL_EXPORTER_OTLP_${NAME}_TIMEOUT`]: '900',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      [`OTEL_EXPORTER_OTLP_${NAME}_COMPRESSION`]: 'gzip',
    });
    expect(otlp).toMatchObject({
      headers: { a: '1', b: '3' },
      protocol: 'http/json',
      timeoutMillis: 900,
      compression: 'gzip',
    });
  });

  it('fall back to the generic ones', () => {
    const otlp = otlpOf({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '700',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    expect(otlp).toMatchObject({ protocol: 'http/json', timeoutMillis: 700, compression: 'gzip' });
  });
});

describe('the metrics section', () => {
  it('is on by default: OTLP, cumulative, trace-based exemplars, runtime metrics, a 60 s interval', () => {
    expect(readConfig({}).config.metrics).toMatchObject({
      exporters: ['otlp'],
      temporalityPreference: 'cumulative',
      exemplarFilter: 'trace_based',
      runtimeMetrics: true,
      exportIntervalMillis: 60000,
      exportTimeoutMillis: 30000,
      prometheus: { host: 'localhost', port: 9464 },
    });
  });

  it.each([
    ['none', []],
    ['otlp,none', []],
    ['prometheus', ['prometheus']],
    ['otlp, prometheus,otlp', ['otlp', 'prometheus']],
  ])('OTEL_METRICS_EXPORTER=%s gives %j', (value, exporters) => {
    const { config } = readConfig({ OTEL_METRICS_EXPORTER: value });
    expect(config.metrics.exporters).toEqual(exporters);
    // Our instrumentations measure exactly when there is an exporter to take the measurements.
    expect(config.instrumentation.recordMetrics).toBe(exporters.length > 0);
  });

  it('lowers an export timeout longer than the interval, warning only when the timeout was set', () => {
    const quiet = readConfig({ OTEL_METRIC_EXPORT_INTERVAL: '1000' });
    expect(quiet.config.metrics.exportTimeoutMillis).toBe(1000);
    expect(quiet.warnings).toEqual([]);
    const said = readConfig({ OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' });
    expect(said.config.metrics.exportTimeoutMillis).toBe(1000);
    expect(said.warnings.map((w) => w.message)).toEqual([
      'OTEL_METRIC_EXPORT_TIMEOUT=5000 is invalid: expected at most OTEL_METRIC_EXPORT_INTERVAL (1000); using 1000.',
    ]);
  });

  it('is quiet about a missing collector only when nobody chose where telemetry goes, outside production', () => {
    expect(readConfig({}).config.metrics.quietWithoutCollector).toBe(true);
    for (const env of [
      { NODE_ENV: 'production' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/v1/metrics' },
      { OTEL_METRICS_EXPORTER: 'otlp' },
      { OTEL_TRACES_EXPORTER: 'otlp' },
    ]) {
      expect(readConfig(env).config.metrics.quietWithoutCollector).toBe(false);
    }
  });
});

describe('the logs section', () => {
  it('is on by default, with the specification batch defaults and the span redaction rules', () => {
    const { config } = readConfig({ OTEL_BOOTSTRAP_REDACT_KEYS: 'user.email' });
    expect(config.logs).toMatchObject({
      exporter: 'otlp',
      batch: { scheduledDelayMillis: 1000, exportTimeoutMillis: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    });
    expect(config.logs.redaction).toBe(config.redaction);
    expect(config.instrumentation.logSending).toBe(true);
  });

  it('takes one exporter: the first, with a warning when several are named', () => {
    const { config, warnings } = readConfig({ OTEL_LOGS_EXPORTER: 'console,otlp' });
    expect(config.logs.exporter).toBe('console');
    expect(warnings.map((w) => w.key)).toEqual(['OTEL_LOGS_EXPORTER']);
  });

  it('is off with none, and so is the log sending of pino and winston', () => {
    const { config } = readConfig({ OTEL_LOGS_EXPORTER: 'none' });
    expect(config.logs.exporter).toBe('none');
    expect(config.instrumentation.logSending).toBe(false);
  });

  it('caps the batch size at the queue size, with one warning', () => {
    const { config, warnings } = readConfig({
      OTEL_BLRP_MAX_QUEUE_SIZE: '100',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '200',
    });
    expect(config.logs.batch.maxExportBatchSize).toBe(100);
    expect(warnings.map((w) => w.key)).toEqual(['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE']);
  });
});
