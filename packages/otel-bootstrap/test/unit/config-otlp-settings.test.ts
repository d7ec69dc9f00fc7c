import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFailure } from '../../src/config/otlp-signal';
import { readConfig } from '../../src/config/read-config';

// What the three signals' OTLP exporters are given besides the endpoint: the trace section's timeout and
// compression, resolved as the metric and log sections' are, and every signal's TLS files. For each setting the
// signal's own variable wins over the generic one.

describe('the trace export settings', () => {
  const exportOf = (env: Record<string, string>) => readConfig(env).config.export;

  it('default to a 10 s timeout and no compression', () => {
    expect(exportOf({})).toMatchObject({ timeoutMs: 10000, compression: 'none' });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '700' }, 700],
    [{ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '900' }, 900],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '700', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '900' }, 900],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '700', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon' }, 700],
  ])('with %j time out after %d ms', (env, timeoutMs) => {
    expect(exportOf(env).timeoutMs).toBe(timeoutMs);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, 'gzip'],
    [{ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, 'gzip'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }, 'none'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'zip' }, 'gzip'],
  ])('with %j compress with %s', (env, compression) => {
    expect(exportOf(env).compression).toBe(compression);
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'soon', 'expected a whole number of at least 1; leaving it unset.'],
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'zip', 'expected one of "gzip", "none"; leaving it unset.'],
  ])('warn once about a bad %s, which leaves the generic value in charge', (key, value, rest) => {
    const { warnings } = readConfig({ [key]: value });
    expect(warnings).toEqual([{ key, message: `${key}="${value}" is invalid: ${rest}` }]);
  });
});

const SIGNALS = ['TRACES', 'METRICS', 'LOGS'] as const;

/** A signal's TLS files, from the trace section or the metric and log sections' OTLP settings. */
function tlsOf(signal: (typeof SIGNALS)[number], env: Record<string, string>) {
  const { config } = readConfig(env);
  if (signal === 'TRACES') return config.export.tls;
  return (signal === 'METRICS' ? config.metrics : config.logs).otlp.tls;
}

describe.each(SIGNALS)('the %s TLS files', (signal) => {
  it('are none when no certificate variable is set', () => {
    expect(tlsOf(signal, {})).toBeUndefined();
  });

  it('come from the generic variables', () => {
    expect(
      tlsOf(signal, {
        OTEL_EXPORTER_OTLP_CERTIFICATE: 'ca.pem',
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'client.pem',
        OTEL_EXPORTER_OTLP_CLIENT_KEY: 'client-key.pem',
      }),
    ).toEqual({
      ca: { variable: 'OTEL_EXPORTER_OTLP_CERTIFICATE', path: 'ca.pem' },
      cert: { variable: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', path: 'client.pem' },
      key: { variable: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', path: 'client-key.pem' },
    });
  });

  it("take the signal's own variable over the generic one, file by file", () => {
    expect(
      tlsOf(signal, {
        OTEL_EXPORTER_OTLP_CERTIFICATE: 'ca.pem',
        [`OTEL_EXPORTER_OTLP_${signal}_CERTIFICATE`]: 'own-ca.pem',
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'client.pem',
        [`OTEL_EXPORTER_OTLP_${signal}_CLIENT_KEY`]: 'own-key.pem',
      }),
    ).toEqual({
      ca: { variable: `OTEL_EXPORTER_OTLP_${signal}_CERTIFICATE`, path: 'own-ca.pem' },
      cert: { variable: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', path: 'client.pem' },
      key: { variable: `OTEL_EXPORTER_OTLP_${signal}_CLIENT_KEY`, path: 'own-key.pem' },
    });
  });

  it("are not another signal's", () => {
    const other = SIGNALS.find((s) => s !== signal)!;
    expect(tlsOf(signal, { [`OTEL_EXPORTER_OTLP_${other}_CERTIFICATE`]: 'ca.pem' })).toBeUndefined();
  });
});

/** What the exports do without a certificate file they leave out, by the variable's suffix. */
const CA = "the endpoint's certificate is checked against Node's default CAs instead";
const CLIENT = 'an endpoint that asks for a client certificate refuses them';
const SUFFIXES = [
  ['CERTIFICATE', CA],
  ['CLIENT_CERTIFICATE', CLIENT],
  ['CLIENT_KEY', CLIENT],
] as const;
/** Every certificate variable, generic and each signal's own, with what the exports do without its file. */
const VARIABLES = SUFFIXES.flatMap(([suffix, without]) => [
  [`OTEL_EXPORTER_OTLP_${suffix}`, without],
  ...SIGNALS.map((signal) => [`OTEL_EXPORTER_OTLP_${signal}_${suffix}`, without]),
]);

describe('a certificate file that can be read but holds no PEM block', () => {
  let dir: string;
  /** A DER certificate's first bytes: what `openssl x509 -outform der` writes. */
  let der: string;
  let pem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otel-pem-'));
    der = join(dir, 'ca.der');
    writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x7a, 0x30, 0x82, 0x01, 0x20, 0xa0, 0x03, 0x02, 0x01, 0x02]));
    pem = join(dir, 'ca.pem');
    writeFileSync(pem, '# our CA\n-----BEGIN CERTIFICATE-----\nMIIBejCCASCgAwIBAgIU\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(VARIABLES)('in %s gets one startup warning naming it, the file and the fallback', (key, without) => {
    expect(readConfig({ [key]: der }).warnings).toEqual([
      {
        key,
        message:
          `${key}="${der}" holds no PEM block ("-----BEGIN"): expected a PEM file; OTLP exports go on without it, ` +
          `so ${without}.`,
      },
    ]);
  });

  it('is reported once, though the generic variable serves three signals', () => {
    expect(readConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: der }).warnings).toHaveLength(1);
  });

  it('is not confused with a PEM file, with text before its first block: no warning', () => {
    expect(readConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: pem }).warnings).toEqual([]);
  });

  it('is not reported when no signal uses its variable', () => {
    const ownFiles = Object.fromEntries(SIGNALS.map((signal) => [`OTEL_EXPORTER_OTLP_${signal}_CERTIFICATE`, pem]));
    expect(readConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: der, ...ownFiles }).warnings).toEqual([]);
  });
});

describe('a certificate file that cannot be read', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'otel-unreadable-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(VARIABLES)('in %s gets one startup warning naming it, the file, why and the fallback', (key, without) => {
    const missing = join(dir, 'missing.pem');
    expect(readConfig({ [key]: missing }).warnings).toEqual([
      {
        key,
        message: `${key}="${missing}" cannot be read (ENOENT: no such file); OTLP exports go on without it, so ${without}.`,
      },
    ]);
  });

  it('says why: a directory is not a file', () => {
    expect(readConfig({ OTEL_EXPORTER_OTLP_CLIENT_KEY: dir }).warnings.map((w) => w.message)).toEqual([
      `OTEL_EXPORTER_OTLP_CLIENT_KEY="${dir}" cannot be read (EISDIR: a directory); OTLP exports go on without it, ` +
        `so ${CLIENT}.`,
    ]);
  });

  it('is reported once, though the generic variable serves three signals', () => {
    expect(readConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: join(dir, 'missing.pem') }).warnings).toHaveLength(1);
  });

  it('is not reported when no signal uses its variable', () => {
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIBejCCASCgAwIBAgIU\n-----END CERTIFICATE-----\n');
    const ownFiles = Object.fromEntries(SIGNALS.map((signal) => [`OTEL_EXPORTER_OTLP_${signal}_CERTIFICATE`, pem]));
    const missing = join(dir, 'missing.pem');
    expect(readConfig({ OTEL_EXPORTER_OTLP_CERTIFICATE: missing, ...ownFiles }).warnings).toEqual([]);
  });
});

describe('readFailure', () => {
  it.each([
    [{ code: 'ENOENT' }, 'ENOENT: no such file'],
    [{ code: 'EACCES' }, 'EACCES: permission denied'],
    [{ code: 'EISDIR' }, 'EISDIR: a directory'],
    [{ code: 'EMFILE' }, 'EMFILE'],
    [new Error('odd'), 'odd'],
  ])('puts %j as %s', (error, reason) => {
    expect(readFailure(error)).toBe(reason);
  });
});
