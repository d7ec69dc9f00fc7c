import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import type { ExportResult } from '@opentelemetry/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createOtlpHttpDelegate, OTLP_CONCURRENCY_LIMIT, otlpAgentFactory } from '../../src/export/otlp-http-delegate';
import type { OtlpHttpDelegateOptions } from '../../src/export/otlp-http-delegate';
import { createOtlpMetricExporter } from '../../src/metrics/exemplars/create-otlp-metric-exporter';

// The one OTLP/HTTP delegate set-up of traces, metrics and logs, against a local collector that holds or answers
// each request: it sends where and how it is told, and never has more than two exports in flight.

/** A collector that answers each request with `answer`, or holds it (as a hanging collector does) without one. */
async function collector(answer?: (res: ServerResponse) => void) {
  const received: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    received.push(req);
    req.resume().on('end', () => answer?.(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, received, close };
}

type Signal = OtlpHttpDelegateOptions<number[]>['signal'];

/** A delegate of bytes: the serializer sends the items as they are. */
function delegateTo(url: string, signal: Signal, protocol: OtlpHttpDelegateOptions<number[]>['protocol']) {
  return createOtlpHttpDelegate<number[]>({
    signal,
    url: `${url}/v1/${signal.toLowerCase()}`,
    protocol,
    headers: { 'x-tenant': 'a' },
    timeoutMillis: 5_000,
    compression: 'none',
    serializer: { serializeRequest: (items) => new Uint8Array(items), deserializeResponse: () => ({}) },
    metricsHelper: { name: 'span', countItems: (items) => items.length },
    holdsProcess: false,
  });
}

const exportWith = (send: (done: (result: ExportResult) => void) => void) => new Promise<ExportResult>(send);

describe('createOtlpHttpDelegate', () => {
  it.each([
    ['TRACES', 'http/protobuf', 'application/x-protobuf'],
    ['METRICS', 'http/json', 'application/json'],
    ['LOGS', 'http/protobuf', 'application/x-protobuf'],
  ] as const)('posts %s in %s to its URL with its headers', async (signal, protocol, contentType) => {
    const up = await collector((res) => res.end());
    try {
      const delegate = delegateTo(up.url, signal, protocol);
      const result = await exportWith((done) => delegate.export([1, 2, 3], done));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(up.received.map((req) => [req.url, req.headers['content-type'], req.headers['x-tenant']])).toEqual([
        [`/v1/${signal.toLowerCase()}`, contentType, 'a'],
      ]);
      await delegate.shutdown();
    } finally {
      await up.close();
    }
  });

  it.each(['TRACES', 'METRICS', 'LOGS'] as const)(
    'fails a %s export at once while two wait on a hanging collector, and abandons those two',
    async (signal) => {
      const up = await collector();
      try {
        const delegate = delegateTo(up.url, signal, 'http/protobuf');
        const waiting = [
          exportWith((done) => delegate.export([1], done)),
          exportWith((done) => delegate.export([2], done)),
        ];
        const third = await exportWith((done) => delegate.export([3], done));
        expect([OTLP_CONCURRENCY_LIMIT, third.code, third.error?.message]).toEqual([
          2,
          ExportResultCode.FAILED,
          'Concurrent export limit reached',
        ]);
        delegate.abandon();
        expect((await Promise.all(waiting)).map((result) => result.code)).toEqual([
          ExportResultCode.FAILED,
          ExportResultCode.FAILED,
        ]);
      } finally {
        await up.close();
      }
    },
  );
});

describe('the OTLP metric exporter', () => {
  it('has the same two exports in flight at most', async () => {
    const up = await collector();
    try {
      const exporter = createOtlpMetricExporter(
        {
          url: `${up.url}/v1/metrics`,
          protocol: 'http/protobuf',
          headers: {},
          timeoutMillis: 5_000,
          compression: 'none',
          temporalityPreference: 'cumulative',
        },
        undefined,
      );
      const metrics = (): ResourceMetrics => ({ resource: emptyResource(), scopeMetrics: [] });
      const waiting = [
        exportWith((done) => exporter.export(metrics(), done)),
        exportWith((done) => exporter.export(metrics(), done)),
      ];
      const third = await exportWith((done) => exporter.export(metrics(), done));
      expect(third.error?.message).toBe('Concurrent export limit reached');
      exporter.abandon();
      await Promise.all(waiting);
    } finally {
      await up.close();
    }
  });
});

/** A diag logger that prints nothing. */
const diagSilent = () => ({
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
});

describe('the https agent of every OTLP export', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'otel-agent-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The TLS options the agent was made with, for `ca`, `cert` and `key` all from one file holding `content`. */
  function agentOptionsFor(content: string | Buffer) {
    const path = join(dir, 'file');
    writeFileSync(path, content);
    const file = (variable: string) => ({ variable, path });
    const agent = otlpAgentFactory({
      ca: file('OTEL_EXPORTER_OTLP_CERTIFICATE'),
      cert: file('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'),
      key: file('OTEL_EXPORTER_OTLP_CLIENT_KEY'),
    })('https:');
    const { ca, cert, key } = (agent as unknown as { options: Record<string, unknown> }).options;
    return { ca, cert, key };
  }

  it('is given the PEM files', () => {
    const pem = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(agentOptionsFor(pem)).toEqual({ ca: pem, cert: pem, key: pem });
  });

  it('leaves out a file it cannot read, without a second warning (the configuration warned at startup)', () => {
    const warnings: string[] = [];
    const logger = { ...diagSilent(), warn: (message: string) => void warnings.push(message) };
    diag.setLogger(logger, DiagLogLevel.ALL);
    try {
      const missing = { variable: 'OTEL_EXPORTER_OTLP_CERTIFICATE', path: join(dir, 'missing.pem') };
      const agent = otlpAgentFactory({ ca: missing, cert: missing, key: missing })('https:');
      const { ca, cert, key } = (agent as unknown as { options: Record<string, unknown> }).options;
      expect({ ca, cert, key }).toEqual({ ca: undefined, cert: undefined, key: undefined });
      expect(warnings).toEqual([]);
    } finally {
      diag.disable();
    }
  });

  it('leaves out a file that holds no PEM block, as one it cannot read (the configuration warned at startup)', () => {
    // As the CA, a DER file would leave no CA at all in place of Node's; as the client certificate or key, it fails
    // every connection ("no start line").
    expect(agentOptionsFor(Buffer.from([0x30, 0x82, 0x01, 0x7a, 0x30, 0x82]))).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
  });
});
