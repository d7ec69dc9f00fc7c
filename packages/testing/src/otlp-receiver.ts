import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeJson, decodeProtobuf } from './decode';
import type { ReceivedSpan } from './decode';
import { decodeLogsJson, decodeLogsProtobuf } from './decode-logs';
import type { ReceivedLogRecord } from './decode-logs';
import { decodeMetricsJson, decodeMetricsProtobuf, histogramPointsOf } from './decode-metrics';
import type { ReceivedHistogramPoint, ReceivedMetric } from './decode-metrics';

/** One export request as it arrived on the wire. */
export interface ReceivedRequest {
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, after gzip decompression if the exporter compressed it. */
  readonly body: Buffer;
}

/** A signal's path, and how to decode and keep what arrives on it. */
interface Route {
  decode(body: Buffer, isJson: boolean): void;
  readonly requests: ReceivedRequest[];
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 for tests. It accepts `application/x-protobuf` and `application/json` on
 * `/v1/traces`, `/v1/metrics` and `/v1/logs`, decodes all of them with the official OTLP schema, and keeps every raw
 * body so tests can search the bytes. Each signal's requests are kept apart ({@link requests} holds the trace ones,
 * as it did before the receiver took metrics and logs), so a trace test never counts a metric export.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every metric of every metrics export, in arrival order: cumulative series repeat from one export to the next. */
  readonly metrics: ReceivedMetric[] = [];
  readonly logs: ReceivedLogRecord[] = [];
  /** The trace export requests. */
  readonly requests: ReceivedRequest[] = [];
  readonly metricRequests: ReceivedRequest[] = [];
  readonly logRequests: ReceivedRequest[] = [];
  /** Bodies that failed to decode; a test should expect none. */
  readonly decodeErrors: string[] = [];
  private server: Server | HttpsServer | undefined;
  private scheme: 'http' | 'https' = 'http';
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private readonly routes: Readonly<Record<string, Route>> = {
    '/v1/traces': {
      requests: this.requests,
      decode: (body, isJson) => this.spans.push(...(isJson ? decodeJson(body.toString('utf8')) : decodeProtobuf(body))),
    },
    '/v1/metrics': {
      requests: this.metricRequests,
      decode: (body, isJson) =>
        this.metrics.push(...(isJson ? decodeMetricsJson(body.toString('utf8')) : decodeMetricsProtobuf(body))),
    },
    '/v1/logs': {
      requests: this.logRequests,
      decode: (body, isJson) =>
        this.logs.push(...(isJson ? decodeLogsJson(body.toString('utf8')) : decodeLogsProtobuf(body))),
    },
  };

  /**
   * Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:43210`. With `tls` (a `key` and `cert` at
   * least; `ca` and `requestCert` for mutual TLS) it serves HTTPS instead, and the URL is `https://127.0.0.1:<port>`.
   */
  async start(port = 0, tls?: HttpsServerOptions): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
    this.server = server;
    this.scheme = tls ? 'https' : 'http';
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('receiver is not listening');
    return `${this.scheme}://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `predicate` holds for the spans received so far, or rejects after `timeoutMs`. */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(
      () => predicate(this.spans),
      timeoutMs,
      () => `${this.spans.length} spans`,
    );
  }

  /** Resolves once at least `count` spans have arrived. */
  waitForSpans(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((spans) => spans.length >= count, timeoutMs);
  }

  /** Resolves once `predicate` holds for the metrics received so far, or rejects after `timeoutMs`. */
  waitForMetrics(predicate: (metrics: readonly ReceivedMetric[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const names = (): string => [...new Set(this.metrics.map((m) => m.name))].join(', ') || 'none';
    return this.waitUntil(
      () => predicate(this.metrics),
      timeoutMs,
      () => `metrics received: ${names()}`,
    );
  }

  /** Resolves to the latest export of the metric `name` once one has arrived (any scope), or rejects after `timeoutMs`. */
  async waitForMetric(name: string, timeoutMs?: number): Promise<ReceivedMetric> {
    await this.waitForMetrics((metrics) => metrics.some((m) => m.name === name), timeoutMs);
    return this.metrics.findLast((m) => m.name === name)!;
  }

  /** Resolves once `predicate` holds for the log records received so far, or rejects after `timeoutMs`. */
  waitForLogs(predicate: (logs: readonly ReceivedLogRecord[]) => boolean, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(
      () => predicate(this.logs),
      timeoutMs,
      () => `${this.logs.length} log records`,
    );
  }

  /** Every histogram point received, each with its metric's name, unit and scope; see {@link histogramPointsOf}. */
  histogramPoints(): ReceivedHistogramPoint[] {
    return histogramPointsOf(this.metrics);
  }

  private waitUntil(check: () => boolean, timeoutMs: number, got: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms with ${got()}`));
      }, timeoutMs);
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = req.method === 'POST' ? this.routes[(req.url ?? '').split('?')[0]] : undefined;
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const contentType = String(req.headers['content-type'] ?? '');
      route.requests.push({ contentType, headers: req.headers, body });
      const isJson = contentType.startsWith('application/json');
      try {
        route.decode(body, isJson);
      } catch (error) {
        this.decodeErrors.push(String(error));
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': isJson ? 'application/json' : 'application/x-protobuf' });
      res.end(isJson ? '{}' : Buffer.alloc(0));
      this.notify();
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }
}
