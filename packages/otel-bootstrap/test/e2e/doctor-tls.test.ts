import { TestReceiver } from '@org/otel-testing';
import { certificateFolder } from '../helpers/certificates';
import type { CertificateFolder, SelfSigned } from '../helpers/certificates';
import { runDoctor } from '../helpers/doctor';

// doctor checks an https endpoint as the exports reach it: trusting what OTEL_EXPORTER_OTLP_*CERTIFICATE names, and
// showing the client certificate where the receiver asks for one. The receiver's certificate is self-signed, so
// only those variables can make it trusted.

/** What the JSON report says of the signals. */
interface Signal {
  signal: string;
  check?: { ok: boolean; detail: string; hint?: string };
}

let certificates: CertificateFolder;
let server: SelfSigned;
let client: SelfSigned;
let receiver: TestReceiver;

beforeAll(() => {
  certificates = certificateFolder();
  server = certificates.selfSigned('receiver');
  client = certificates.selfSigned('client');
});
afterAll(() => certificates.remove());
afterEach(() => receiver.stop());

async function doctorOverTls(env: Record<string, string>, mutual = false) {
  receiver = new TestReceiver();
  const tls = { key: server.key, cert: server.cert };
  await receiver.start(0, mutual ? { ...tls, ca: client.cert, requestCert: true, rejectUnauthorized: true } : tls);
  const { code, report } = await runDoctor(['--skip-jaeger'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env });
  const signals = (report as unknown as { signals: Signal[] }).signals;
  return { code, report, checks: signals.map((s) => [s.signal, s.check?.ok]) };
}

describe('otel-bootstrap doctor against an https endpoint', () => {
  it('trusts the endpoint through OTEL_EXPORTER_OTLP_CERTIFICATE, for every signal: exit 0', async () => {
    const { code, report, checks } = await doctorOverTls({ OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath });
    expect(receiver.url).toMatch(/^https:/);
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ['node', true],
      ['instrumentation', true],
      ['endpoint', true],
      ['test span', true],
    ]);
    expect(checks).toEqual([
      ['traces', true],
      ['metrics', true],
      ['logs', true],
    ]);
    expect(receiver.spans.map((s) => s.name)).toEqual(['otel-bootstrap doctor']);
    expect(code).toBe(0);
  });

  it('shows the client certificate a receiver asks for: exit 0', async () => {
    const { code, checks } = await doctorOverTls(
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: client.certPath,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: client.keyPath,
      },
      true,
    );
    expect(checks.map(([, ok]) => ok)).toEqual([true, true, true]);
    expect(code).toBe(0);
  });

  it('without the certificate, names TLS and the variable: exit 3', async () => {
    const { code, report } = await doctorOverTls({});
    expect(report.steps.at(-1)).toMatchObject({ name: 'endpoint', ok: false });
    expect(report.steps.at(-1)?.hint).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE');
    expect(code).toBe(3);
  });
});
