import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeJson, decodeProtobuf } from './decode';
import type { ReceivedSpan } from './decode';

/** One export request as it arrived on the wire. */
export interface ReceivedRequest {
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, after gzip decompression if the exporter compressed it. */
  readonly body: Buffer;
}

/**
 * A real OTLP/HTTP receiver on 127.0.0.1 for tests. It accepts `application/x-protobuf` and `application/json` on
 * `/v1/traces`, decodes both with the official OTLP schema, and keeps every raw body so tests can search the bytes.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: ReceivedRequest[] = [];
  /** Bodies that failed to decode; a test should expect none. */
  readonly decodeErrors: string[] = [];
  private server: Server | undefined;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:43210`. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('receiver is not listening');
    return `http://127.0.0.1:${address.port}`;
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
    if (predicate(this.spans)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms with ${this.spans.length} spans received`));
      }, timeoutMs);
      const waiter = {
        check: () => predicate(this.spans),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once at least `count` spans have arrived. */
  waitForSpans(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((spans) => spans.length >= count, timeoutMs);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const contentType = String(req.headers['content-type'] ?? '');
      this.requests.push({ contentType, headers: req.headers, body });
      const isJson = contentType.startsWith('application/json');
      try {
        this.spans.push(...(isJson ? decodeJson(body.toString('utf8')) : decodeProtobuf(body)));
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
