import type { Agent, request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { diag } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import type { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { abandoned, post } from './http-post';

/**
 * One exporter's OTLP/HTTP settings, in the shape upstream's delegate and transport take (its
 * OtlpNodeHttpConfiguration, which `@opentelemetry/otlp-exporter-base/node-http` does not export by name).
 */
export type OtlpHttpSettings = ReturnType<typeof convertLegacyHttpOptions>;

// Upstream's retry policy (otlp-exporter-base, retrying-transport): 5 retries, backoff from 1 s by 1.5x up to 5 s,
// ±20% jitter, all within the export timeout.
const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

const gzipAsync = promisify(gzip);
const { version } = require('../../package.json') as { version: string };
const USER_AGENT = `OTel-OTLP-Exporter-JavaScript otel-bootstrap/${version}`;

/**
 * Upstream's OTLP/HTTP transport and retries, rewritten so that a finished app can end while the collector is down
 * or hanging. Upstream's retry timers and request sockets are ref'd, and its retry loop cannot be stopped: with the
 * collector down, a job that has finished lived on for as long as the retries ran, 16 s after 300 requests
 * (open-telemetry/opentelemetry-js-contrib#3349). Here, unless `holdsProcess`, the timers and sockets are unref'd,
 * and {@link abandon} ends every pending send at once when the exit flush has had its time.
 */
export class OtlpHttpTransport implements IExporterTransport {
  private readonly pending = new Set<AbortController>();
  private refusing = false;
  private client: Promise<{ request: typeof httpRequest; agent: Agent }> | undefined;

  constructor(
    private readonly settings: OtlpHttpSettings,
    private readonly holdsProcess: boolean,
  ) {}

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    if (this.refusing) return abandoned();
    const controller = new AbortController();
    this.pending.add(controller);
    try {
      return await this.sendWithRetries(data, timeoutMillis, controller.signal);
    } catch (error) {
      return { status: 'failure', error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      this.pending.delete(controller);
    }
  }

  /**
   * Gives up on every pending send, its retries and its open request (a connect in progress too, which holds the
   * process even on an unref'd socket). Sends started in the same turn of the event loop are refused: the batch
   * processor starts its next batch as soon as one fails. A later turn only comes if the app is still running, and
   * then sending resumes.
   */
  abandon(): void {
    this.refusing = true;
    setTimeout(() => (this.refusing = false), 0).unref();
    for (const controller of this.pending) controller.abort();
  }

  shutdown(): void {
    void this.client?.then(({ agent }) => agent.destroy()).catch(() => undefined);
  }

  private async sendWithRetries(data: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMs;
    let backoff = INITIAL_BACKOFF_MS;
    let result = await this.attempt(data, timeoutMs, signal);
    for (let retries = 0; result.status === 'retryable' && retries < MAX_RETRIES; retries++) {
      const wait = Math.max(0, result.retryInMillis ?? Math.min(backoff * (1 + jitter()), MAX_BACKOFF_MS));
      backoff *= BACKOFF_MULTIPLIER;
      const remaining = deadline - Date.now();
      if (wait > remaining) {
        diag.info(
          `Export retry time ${Math.round(wait)}ms exceeds remaining timeout ${Math.round(remaining)}ms, not retrying further.`,
        );
        return result;
      }
      diag.verbose(`Scheduling export retry in ${Math.round(wait)}ms`);
      await this.sleep(wait, signal);
      result = await this.attempt(data, Math.max(1, deadline - Date.now()), signal);
    }
    if (result.status === 'retryable') diag.info(`Export failed after maximum retry attempts (${MAX_RETRIES}).`);
    return result;
  }

  private async attempt(data: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<ExportResponse> {
    if (signal.aborted) return abandoned();
    const { request, agent } = await this.loadClient();
    const gzipped = this.settings.compression === 'gzip';
    const headers: Record<string, string> = { ...(await this.settings.headers()), 'User-Agent': USER_AGENT };
    if (gzipped) headers['Content-Encoding'] = 'gzip';
    const body = gzipped ? await gzipAsync(data) : data;
    const holdsProcess = this.holdsProcess;
    return post({ request, agent, url: this.settings.url, headers, body, timeoutMs, signal, holdsProcess });
  }

  /** Resolves after `ms`, or at once when the send is abandoned. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!this.holdsProcess) timer.unref();
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * node:http or node:https, and the agent of the settings (otlp-http-delegate.ts: keep-alive, and the TLS files
   * of the OTEL_EXPORTER_OTLP_*CERTIFICATE and *CLIENT_KEY variables): loaded on the first send, as upstream does.
   */
  private loadClient(): Promise<{ request: typeof httpRequest; agent: Agent }> {
    this.client ??= (async () => {
      const protocol = new URL(this.settings.url).protocol;
      const { request } = (protocol === 'http:' ? require('node:http') : require('node:https')) as {
        request: typeof httpRequest;
      };
      return { request: unwrapped(request), agent: (await this.settings.agentFactory(protocol)) as Agent };
    })();
    return this.client;
  }
}

/**
 * `request` as Node has it, under the instrumentations' wrappers: instrumentation-http records
 * `http.client.request.duration` for every request, with tracing suppressed too, so our exports showed up among the
 * app's own client requests (test/e2e/semconv-metrics.test.ts). An instrumentation's `_wrap` (shimmer) keeps what it
 * wrapped in `__original`; a wrapper made any other way (a proxy library's) stays in the way, as it should.
 */
function unwrapped(request: typeof httpRequest): typeof httpRequest {
  let original = request;
  while (isWrapped(original)) original = (original as unknown as { __original: typeof httpRequest }).__original;
  return original;
}

function jitter(): number {
  return Math.random() * 2 * JITTER - JITTER;
}
