import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { useReceiver, withReceiver } from '@org/otel-testing';
import { runCli, runDoctor } from '../helpers/doctor';
import { closeServer, listen } from '../helpers/http';

/** doctor with exactly `env`: each test says where the endpoint is, or that there is none. */
const doctor = (env: Record<string, string>) => runDoctor(['--wait', '600'], env);

describe('otel-bootstrap doctor', () => {
  const receiver = useReceiver({ scope: 'test' });
  let jaeger: Server;
  let jaegerUrl: string;

  beforeEach(async () => {
    // Answers like Jaeger's v3 query API: 200 for a trace the receiver has, 404 otherwise.
    jaeger = createServer((req, res) => {
      const id = /^\/api\/v3\/traces\/([0-9a-f]{32})$/.exec(req.url ?? '')?.[1];
      if (id && receiver.spans.some((s) => s.traceId === id)) res.end('{"result":{"resourceSpans":[]}}');
      else res.writeHead(404).end('{"error":{"message":"trace not found"}}');
    });
    jaegerUrl = await listen(jaeger);
  });
  afterEach(() => closeServer(jaeger));

  it('finds its test span in Jaeger and prints the UI link: exit 0', async () => {
    const { code, report } = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BOOTSTRAP_JAEGER_URL: jaegerUrl,
    });
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ['node', true],
      ['instrumentation', true],
      ['endpoint', true],
      ['test span', true],
      ['jaeger', true],
    ]);
    expect(report.traceUrl).toBe(`${jaegerUrl}/trace/${report.traceId}`);
    expect(receiver.spans.map((s) => s.name)).toEqual(['otel-bootstrap doctor']);
    expect(report.configuration.exporter).toBe('otlp');
    expect(code).toBe(0);
  });

  it('says when apps export nowhere (OTEL_TRACES_EXPORTER=none), even though its own test span arrives', async () => {
    const { report } = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_BOOTSTRAP_JAEGER_URL: jaegerUrl,
    });
    expect(report.configuration.exporter).toBe('none (OTEL_TRACES_EXPORTER=none): apps export nothing');
  });

  it('masks header values, reports a bad variable, and exits 2 when all else works', async () => {
    const { code, report, stdout } = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BOOTSTRAP_JAEGER_URL: jaegerUrl,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t-value',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
    });
    expect(report.configuration['export headers']).toBe('authorization=***');
    expect(stdout).not.toContain('s3cr3t-value');
    expect(report.warnings).toEqual([expect.stringContaining('OTEL_BSP_SCHEDULE_DELAY="soon" is invalid')]);
    expect(receiver.requests.at(-1)?.headers.authorization).toBe('Bearer s3cr3t-value'); // sent, never printed
    expect(code).toBe(2);
  });

  it('names a refused connection and the gRPC port: exit 3', async () => {
    const { code, report } = await doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
    expect(report.steps.map((s) => s.name)).toEqual(['node', 'instrumentation', 'endpoint']);
    expect(report.steps.at(-1)?.hint).toMatch(/connection refused.*Port 4317 is OTLP over gRPC/s);
    expect(code).toBe(3);
  });

  it('names a wrong path: exit 3', async () => {
    const { code, report } = await doctor({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/api/traces` });
    expect(report.steps.at(-1)?.detail).toContain('answered HTTP 404');
    expect(report.steps.at(-1)?.hint).toContain('OTLP/HTTP traces go to /v1/traces');
    expect(code).toBe(3);
  });

  it('names TLS spoken to a plain HTTP receiver: exit 3', async () => {
    const { code, report } = await doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('http:', 'https:') });
    expect(report.steps.at(-1)?.hint).toMatch(/TLS|plain HTTP/);
    expect(code).toBe(3);
  });

  it('says so when the endpoint answers the check but refuses a real span: exit 4', async () => {
    // Accepts an empty export, refuses one with a span in it (a quota, a size limit, a schema check).
    const picky = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(body.length <= 2 ? 200 : 400).end();
      });
    });
    const url = await listen(picky);
    try {
      const { code, report } = await doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_BOOTSTRAP_JAEGER_URL: jaegerUrl });
      expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
        ['node', true],
        ['instrumentation', true],
        ['endpoint', true],
        ['test span', false],
      ]);
      expect(code).toBe(4);
    } finally {
      await closeServer(picky);
    }
  });

  it("says so when Jaeger's query API does not answer: exit 5", async () => {
    const { code, report } = await doctor({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BOOTSTRAP_JAEGER_URL: 'http://127.0.0.1:1',
    });
    expect(report.steps.at(-1)).toMatchObject({ name: 'jaeger', ok: false });
    expect(report.steps.at(-1)?.hint).toContain('OTEL_BOOTSTRAP_JAEGER_URL');
    expect(code).toBe(5);
  });

  it('says so when the span went to a collector that is not this Jaeger: exit 6', async () => {
    // another receiver: it accepts spans, but the Jaeger above never sees them
    const { code, report } = await withReceiver((other) =>
      doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: other.url, OTEL_BOOTSTRAP_JAEGER_URL: jaegerUrl }),
    );
    expect(report.steps.at(-1)?.hint).toContain('does not have it');
    expect(code).toBe(6);
  });

  it('prints a readable report without --json', async () => {
    const exit = await runCli(['doctor', '--skip-jaeger'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(exit.stdout).toMatch(/^otel-bootstrap doctor\n/);
    expect(exit.stdout).toMatch(/✔ endpoint/);
    expect(exit.stdout).toMatch(/✔ test span/);
    expect(exit.code).toBe(0);
  });
});
