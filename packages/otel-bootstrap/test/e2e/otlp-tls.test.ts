import { execFileSync } from 'node:child_process';
import { TestReceiver } from '@org/otel-testing';
import type { FixtureEnv, FixtureExit } from '@org/otel-testing';
import type { ServerOptions } from 'node:https';
import { certificateFolder } from '../helpers/certificates';
import type { CertificateFolder, SelfSigned } from '../helpers/certificates';
import { fixture } from '../helpers/http';

// OTLP export to an https receiver whose certificate is self-signed, so that only the OTEL_EXPORTER_OTLP_*CERTIFICATE
// variables can make a child trust it (docs/security.md). tls-export.js records one span, one pino record and one
// counter; the exit flush sends each signal through its own exporter, so each must be given the files:
//
//   tls-export: tls-work [INTERNAL]      <- traces
//   "over tls" (pino, in tls-work)       <- logs
//   tls.exports = 1                      <- metrics

/** The exit flush's bound: a signal that cannot connect is given up at most this long after the app's end. */
const SHUTDOWN = { OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '2000' };

/** What arrived of each signal: the span, the log record and the counter of tls-export.js. */
function arrived(receiver: TestReceiver) {
  return {
    traces: receiver.spans.some((s) => s.name === 'tls-work'),
    logs: receiver.logs.some((l) => l.body === 'over tls'),
    metrics: receiver.metrics.some((m) => m.name === 'tls.exports'),
  };
}

const ALL = { traces: true, logs: true, metrics: true };
const NONE = { traces: false, logs: false, metrics: false };

let certificates: CertificateFolder;
let server: SelfSigned;
/** Another self-signed certificate: trusting it does not make the receiver trusted. */
let stranger: SelfSigned;
let client: SelfSigned;

beforeAll(() => {
  certificates = certificateFolder();
  server = certificates.selfSigned('receiver');
  stranger = certificates.selfSigned('stranger');
  client = certificates.selfSigned('client');
});
afterAll(() => certificates.remove());

/** Starts an https receiver with `tls`, runs tls-export.js against it with `env`, and stops the receiver. */
async function exportOverTls(tls: () => ServerOptions, env: FixtureEnv) {
  const receiver = new TestReceiver(SHUTDOWN);
  await receiver.start(0, tls());
  try {
    expect(receiver.url).toMatch(/^https:/);
    const exit: FixtureExit = await receiver.runFixture(fixture('tls-export.js'), env);
    return { exit, received: arrived(receiver), decodeErrors: receiver.decodeErrors };
  } finally {
    receiver.killFixtures();
    await receiver.stop();
  }
}

const selfSignedReceiver = () => ({ key: server.key, cert: server.cert });

describe('OTLP export to an https receiver with a self-signed certificate', () => {
  it('delivers traces, logs and metrics when OTEL_EXPORTER_OTLP_CERTIFICATE names it', async () => {
    const { exit, received, decodeErrors } = await exportOverTls(selfSignedReceiver, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath,
    });
    expect(exit.code).toBe(0);
    expect(received).toEqual(ALL);
    expect(decodeErrors).toEqual([]);
  });

  it("takes each signal's own _CERTIFICATE over OTEL_EXPORTER_OTLP_CERTIFICATE", async () => {
    const { received } = await exportOverTls(selfSignedReceiver, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: stranger.certPath,
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: server.certPath,
      OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: server.certPath,
      OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: server.certPath,
    });
    expect(received).toEqual(ALL);
  });

  it('delivers nothing without it, or with a certificate that is not the receiver’s, and the app still ends well', async () => {
    for (const env of [{}, { OTEL_EXPORTER_OTLP_CERTIFICATE: stranger.certPath }]) {
      const { exit, received } = await exportOverTls(selfSignedReceiver, env);
      expect(exit.code).toBe(0);
      expect(received).toEqual(NONE);
    }
  });

  it('warns once, at startup, about an unreadable certificate file, naming the variable, and goes on without it', async () => {
    const missing = `${certificates.dir}/missing.pem`;
    const { exit, received } = await exportOverTls(selfSignedReceiver, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: missing,
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: server.certPath,
    });
    expect(exit.code).toBe(0);
    // Traces have their own file; metrics and logs both fall back to the missing one, and warn about it once.
    expect(received).toEqual({ traces: true, logs: false, metrics: false });
    // Nothing else reads the file: upstream's exporters would, warning "Failed to read root certificate file". The
    // configuration's warning is the one line, and the exports' connect, which reads the file again, says nothing.
    const about = exit.stderr.split('\n').filter((line) => line.includes(missing) || /certificate file/i.test(line));
    expect(about).toEqual([expect.stringContaining(`OTEL_EXPORTER_OTLP_CERTIFICATE="${missing}" cannot be read`)]);
    expect(about).toEqual([
      `[otel-bootstrap] warn: OTEL_EXPORTER_OTLP_CERTIFICATE="${missing}" cannot be read (ENOENT: no such file); ` +
        "OTLP exports go on without it, so the endpoint's certificate is checked against Node's default CAs instead.",
    ]);
  });

  it('warns at startup about a client certificate that is not PEM, and goes on without it', async () => {
    // The right certificate in the wrong form: DER, which Node's TLS options do not take ("no start line").
    const der = `${certificates.dir}/client-cert.der`;
    execFileSync('openssl', ['x509', '-in', client.certPath, '-outform', 'DER', '-out', der]);
    const { exit, received } = await exportOverTls(selfSignedReceiver, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: der,
    });
    expect(exit.code).toBe(0);
    // This receiver asks for no client certificate: without the file, every signal arrives.
    expect(received).toEqual(ALL);
    expect(exit.stderr.split('\n').filter((line) => line.includes(der))).toEqual([
      `[otel-bootstrap] warn: OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE="${der}" holds no PEM block ("-----BEGIN"): ` +
        'expected a PEM file; OTLP exports go on without it, so an endpoint that asks for a client certificate ' +
        'refuses them.',
    ]);
  });
});

describe('OTLP export to an https receiver that asks for a client certificate (mutual TLS)', () => {
  const mutual = () => ({
    key: server.key,
    cert: server.cert,
    ca: client.cert,
    requestCert: true,
    rejectUnauthorized: true,
  });

  it('delivers every signal with OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY', async () => {
    const { exit, received } = await exportOverTls(mutual, {
      OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath,
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: client.certPath,
      OTEL_EXPORTER_OTLP_CLIENT_KEY: client.keyPath,
    });
    expect(exit.code).toBe(0);
    expect(received).toEqual(ALL);
  });

  it('delivers nothing without them (the check above can fail)', async () => {
    const { exit, received } = await exportOverTls(mutual, { OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath });
    expect(exit.code).toBe(0);
    expect(received).toEqual(NONE);
  });
});
