import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CONFIG_ROWS, readConfig } from '../../src/config/read-config';
import type { ConfigRow } from '../../src/config/read-config';

/** readConfig reads the rules file it is given, so a valid value must name a valid file. */
const RULES_FILE = join(mkdtempSync(join(tmpdir(), 'otel-config-')), 'rules.json');
writeFileSync(RULES_FILE, '{ "rules": [] }');

/** readConfig checks that a certificate variable's file can be read and holds PEM, so a valid value must name one. */
const PEM_FILE = join(dirname(RULES_FILE), 'ca.pem');
writeFileSync(PEM_FILE, '-----BEGIN CERTIFICATE-----\nMIIBejCCASCgAwIBAgIU\n-----END CERTIFICATE-----\n');

/** The string rows whose values readConfig parses further. */
const VALID_STRINGS: Readonly<Record<string, string>> = {
  OTEL_TRACES_SAMPLER_ARG: '0.5',
  OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health*=0',
  OTEL_BOOTSTRAP_SAMPLING_RULES_FILE: RULES_FILE,
  ...Object.fromEntries(
    CONFIG_ROWS.filter((row) => /^OTEL_EXPORTER_OTLP_\w*(CERTIFICATE|CLIENT_KEY)$/.test(row.key)).map((row) => [
      row.key,
      PEM_FILE,
    ]),
  ),
};

/** A valid non-default value and an invalid value for every row, by type. */
function samples(row: ConfigRow): { valid: string; invalid: string | undefined } {
  switch (row.type) {
    case 'boolean':
      return { valid: row.default === 'true' ? 'false' : 'true', invalid: 'yes' };
    case 'integer':
      return { valid: '1234', invalid: '12ms' };
    case 'duration':
      return { valid: '1500ms', invalid: 'soon' };
    case 'url':
      return { valid: 'https://collector.example:4318', invalid: 'collector:4318' };
    case 'keyvalue':
      return { valid: 'a=1,b=two%20words', invalid: 'novalue' };
    case 'enum':
    case 'list':
      // A list without allowed values (key globs, query keys) takes anything.
      return { valid: row.allowed?.at(-1) ?? 'a,b*', invalid: row.allowed ? 'nonsense' : undefined };
    case 'string':
      // The sampler argument is a ratio for the default sampler; its invalid values are tested below, and those of
      // the rules in test/unit/sampling/rules.test.ts.
      return { valid: VALID_STRINGS[row.key] ?? 'some-value', invalid: undefined };
  }
}

describe('the configuration table', () => {
  it('has one row per key, each documented', () => {
    const keys = CONFIG_ROWS.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of CONFIG_ROWS) expect(row.description.length).toBeGreaterThan(10);
  });

  it('gives no warning for an empty environment', () => {
    expect(readConfig({}).warnings).toEqual([]);
  });

  it.each(CONFIG_ROWS.map((row) => [row.key, row] as const))('%s: a valid value gives no warning', (key, row) => {
    const { warnings } = readConfig({ [key]: samples(row).valid });
    expect(warnings).toEqual([]);
  });

  it.each(CONFIG_ROWS.filter((row) => samples(row).invalid !== undefined).map((row) => [row.key, row] as const))(
    '%s: an invalid value gives one warning naming the variable, the value, the expectation and the fallback',
    (key, row) => {
      const invalid = samples(row).invalid as string;
      const { warnings } = readConfig({ [key]: invalid });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].key).toBe(key);
      const message = warnings[0].message;
      expect(message).toContain(row.secret ? `${key}="<masked>"` : `${key}="${invalid}"`);
      expect(message).toMatch(/is invalid: expected \S/);
      expect(message).toMatch(row.default === undefined ? /leaving it unset\.$/ : /using the default "[^"]*"\.$/);
    },
  );
});

describe('readConfig', () => {
  it('resolves the documented defaults', () => {
    const { config } = readConfig({});
    expect(config).toMatchObject({
      sdk: { disabled: false, propagators: ['tracecontext', 'baggage'], shutdownTimeoutMs: 5000 },
      export: {
        tracesUrl: 'http://localhost:4318/v1/traces',
        protocol: 'http/protobuf',
        batch: { scheduledDelayMillis: 5000, exportTimeoutMillis: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 },
      },
      sampling: {
        sampler: 'parentbased_always_on',
        ratio: 1,
        keep: { errors: true, slowerThanMs: undefined, buffer: { maxSpans: 20000, ttlMs: 30000 } },
        jaegerRemote: {
          endpoint: 'http://localhost:5778/sampling',
          pollingIntervalMs: 60000,
          initialSamplingRate: 0.001,
        },
      },
    });
    expect(config.instrumentation.enabled).toEqual([
      'http',
      'undici',
      'express',
      'fastify',
      'pg',
      'ioredis',
      'redis',
      'amqplib',
      'pino',
      'winston',
    ]);
  });

  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['https://gw.example/otlp', 'https://gw.example/otlp/v1/traces'],
  ])('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT=%s', (endpoint, url) => {
    expect(readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).config.export.tracesUrl).toBe(url);
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is', () => {
    const { config } = readConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom',
    });
    expect(config.export.tracesUrl).toBe('http://b:9999/custom');
  });

  it.each([
    [{}, 'otlp', true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp', false],
    [{ OTEL_TRACES_EXPORTER: 'Terminal' }, 'terminal', false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, 'none', false],
    [{ OTEL_TRACES_EXPORTER: 'console' }, 'terminal', false],
    [{ NODE_ENV: 'production' }, 'otlp', false],
    [{ NODE_ENV: 'development' }, 'otlp', true],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'otlp', true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'otlp', false],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'otlp', false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'otlp', true],
  ])('%j: exporter %s, terminal fallback %s', (env, exporter, fallback) => {
    const { config } = readConfig(env);
    expect([config.export.exporter, config.export.terminalFallback]).toEqual([exporter, fallback]);
  });

  it('merges trace-specific headers over general ones, percent-decoding values', () => {
    const { config } = readConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'x-a=1,authorization=Basic%20abc',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-a=2',
    });
    expect(config.export.headers).toEqual({ 'x-a': '2', authorization: 'Basic abc' });
  });

  it('never prints a malformed header value, which may hold a credential', () => {
    const { warnings } = readConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization Bearer s3cr3t' });
    expect(warnings[0].message).not.toContain('s3cr3t');
    expect(warnings[0].message).toContain('<masked>');
  });

  it('prefers the trace-specific protocol', () => {
    const { config } = readConfig({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    });
    expect(config.export.protocol).toBe('http/json');
  });

  it('lets disabled instrumentations win over enabled ones', () => {
    const { config } = readConfig({
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pg,redis',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg',
    });
    expect(config.instrumentation.enabled).toEqual(['http', 'redis']);
  });

  it('keeps the known entries of a partly wrong list and warns about the rest', () => {
    const { config, warnings } = readConfig({ OTEL_PROPAGATORS: 'tracecontext,xray,baggage' });
    expect(config.sdk.propagators).toEqual(['tracecontext', 'baggage']);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('OTEL_PROPAGATORS="tracecontext,xray,baggage" has unknown entries "xray"'),
    ]);
  });

  it('treats OTEL_PROPAGATORS=none as no propagation', () => {
    expect(readConfig({ OTEL_PROPAGATORS: 'none' }).config.sdk.propagators).toEqual([]);
  });

  it('caps the batch size at the queue size, with a warning', () => {
    const { config, warnings } = readConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
    expect(config.export.batch.maxExportBatchSize).toBe(100);
    expect(warnings).toHaveLength(1);
  });

  it('escapes control characters and truncates huge values in warnings', () => {
    const { warnings } = readConfig({ OTEL_LOG_LEVEL: `loud\n[fake] ${'x'.repeat(10_000)}` });
    expect(warnings[0].message).not.toContain('\n');
    expect(warnings[0].message).toContain('\\x0a');
    expect(warnings[0].message.length).toBeLessThan(500);
  });

  it('takes the environment from OTEL_BOOTSTRAP_ENVIRONMENT, then NODE_ENV', () => {
    expect(readConfig({ NODE_ENV: 'production' }).config.resource.environment).toBe('production');
    expect(
      readConfig({ NODE_ENV: 'production', OTEL_BOOTSTRAP_ENVIRONMENT: 'eu-prod' }).config.resource.environment,
    ).toBe('eu-prod');
  });

  it('reads sampler names case-insensitively', () => {
    expect(readConfig({ OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio' }).config.sampling.sampler).toBe(
      'parentbased_traceidratio',
    );
  });

  it.each([
    ['0.1', 0.1],
    ['0', 0],
    ['1', 1],
  ])('reads OTEL_TRACES_SAMPLER_ARG=%s as the ratio', (arg, ratio) => {
    const { config, warnings } = readConfig({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: arg,
    });
    expect(config.sampling.ratio).toBe(ratio);
    expect(warnings).toEqual([]);
  });

  it.each([['1.5'], ['-0.1'], ['ten percent']])('warns about OTEL_TRACES_SAMPLER_ARG=%s and uses 1', (arg) => {
    const { config, warnings } = readConfig({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg });
    expect(config.sampling.ratio).toBe(1);
    expect(warnings.map((w) => w.message)).toEqual([
      `OTEL_TRACES_SAMPLER_ARG="${arg}" is invalid: expected a number from 0 to 1; using 1.`,
    ]);
  });

  it('reads the jaeger_remote ARG format', () => {
    const { config, warnings } = readConfig({
      OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://jaeger:5778/sampling,pollingIntervalMs=5000,initialSamplingRate=0.25',
    });
    expect(warnings).toEqual([]);
    expect(config.sampling.jaegerRemote).toEqual({
      endpoint: 'http://jaeger:5778/sampling',
      pollingIntervalMs: 5000,
      initialSamplingRate: 0.25,
    });
  });

  it('keeps the default of each bad jaeger_remote part, with a warning each', () => {
    const { config, warnings } = readConfig({
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: 'endpoint=jaeger:5778,pollingIntervalMs=fast,initialSamplingRate=0.5',
    });
    expect(config.sampling.jaegerRemote).toEqual({
      endpoint: 'http://localhost:5778/sampling',
      pollingIntervalMs: 60000,
      initialSamplingRate: 0.5,
    });
    expect(warnings).toHaveLength(2);
  });

  it.each([
    ['2s', 2000],
    ['500ms', 500],
    ['1.5m', 90000],
    ['250', 250],
  ])('reads OTEL_BOOTSTRAP_KEEP_SLOWER_THAN=%s as %d ms', (value, ms) => {
    expect(readConfig({ OTEL_BOOTSTRAP_KEEP_SLOWER_THAN: value }).config.sampling.keep?.slowerThanMs).toBe(ms);
  });
});
