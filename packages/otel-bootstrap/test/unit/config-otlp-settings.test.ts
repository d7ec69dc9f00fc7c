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
