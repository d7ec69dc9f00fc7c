import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { useReceiver } from '@org/otel-testing';
import { runCli, runDoctor } from '../helpers/doctor';

// doctor reports each signal: what apps do with it and, for OTLP, whether its endpoint answers an empty export
// request (ExportMetricsServiceRequest to /v1/metrics, ExportLogsServiceRequest to /v1/logs, as for traces). A
// metrics or logs endpoint that does not answer decides the exit (9) only once every step has passed.

/** What the JSON report says of the signals. */
interface Signal {
  signal: string;
  exporter: string;
  check?: { ok: boolean; detail: string; hint?: string };
}

/** A local URL nothing listens on: a port bound, read, then released, so every connect is refused at once. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('otel-bootstrap doctor, per signal', () => {
  const receiver = useReceiver({ scope: 'test' });
  const doctor = async (env: Record<string, string>) => {
    const { code, report } = await runDoctor(['--skip-jaeger'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env });
    return { code, report, signals: (report as unknown as { signals: Signal[] }).signals };
  };

  it('checks the traces, metrics and logs endpoints with an empty export each: exit 0', async () => {
    const { code, signals } = await doctor({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(signals.map((s) => [s.signal, s.check?.ok])).toEqual([
      ['traces', true],
      ['metrics', true],
      ['logs', true],
    ]);
    expect(signals[1].exporter).toBe(`otlp → ${receiver.url}/v1/metrics (http/json), every 60 s`);
    expect(signals[2].exporter).toMatch(new RegExp(`^otlp → ${receiver.url}/v1/logs \\(http/json\\)`));
    // Empty requests the receiver decoded as such, with the configured encoding.
    expect(receiver.metricRequests.map((r) => r.contentType)).toEqual(['application/json']);
    expect(receiver.logRequests.map((r) => r.contentType)).toEqual(['application/json']);
    expect([receiver.metrics, receiver.logs, receiver.decodeErrors]).toEqual([[], [], []]);
    expect(code).toBe(0);
  });

  it('names a metrics endpoint where nothing listens: every step passes, exit 9', async () => {
    const { code, report, signals } = await doctor({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${await deadUrl()}/v1/metrics`,
    });
    expect(report.steps.every((step) => step.ok)).toBe(true);
    expect(signals[1].check).toMatchObject({ ok: false, hint: expect.stringContaining('connection refused') });
    expect(signals[2].check?.ok).toBe(true);
    expect(code).toBe(9);
  });

  it('names a logs endpoint with the wrong path: exit 9', async () => {
    const { code, signals } = await doctor({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/v1/log` });
    expect(signals[2].check).toMatchObject({ ok: false, detail: expect.stringContaining('answered HTTP 404') });
    expect(signals[2].check?.hint).toContain('OTLP/HTTP logs go to /v1/logs');
    expect(code).toBe(9);
  });

  it('checks nothing for a signal that is off or not sent over OTLP, and says where it goes', async () => {
    const { code, signals } = await doctor({
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: '9999',
      OTEL_LOGS_EXPORTER: 'none',
    });
    expect(signals.slice(1)).toEqual([
      { signal: 'metrics', exporter: 'prometheus: scrape http://localhost:9999/metrics' },
      { signal: 'logs', exporter: 'none (OTEL_LOGS_EXPORTER=none): no log records leave apps' },
    ]);
    expect([receiver.metricRequests, receiver.logRequests]).toEqual([[], []]);
    expect(code).toBe(0);
  });

  it('prints the signals in its text report', async () => {
    const dead = await deadUrl();
    const exit = await runCli(['doctor', '--skip-jaeger'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${dead}/v1/logs`,
    });
    expect(exit.stdout).toContain(`  metrics  otlp → ${receiver.url}/v1/metrics (http/protobuf), every 60 s ✔ answers`);
    expect(exit.stdout).toContain(`  logs     otlp → ${dead}/v1/logs (http/protobuf)`);
    expect(exit.stdout).toMatch(/ {2}logs .* ✘ .*\n {4}→ connection refused/);
    expect(exit.code).toBe(9);
  });
});
