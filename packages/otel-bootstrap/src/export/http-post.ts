import type { Agent, IncomingMessage, request as httpRequest } from 'node:http';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import type { ExportResponse } from '@opentelemetry/otlp-exporter-base';

/** Past this, a response body is not read: upstream's limit, so a broken proxy cannot fill the app's heap. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Network errors worth another attempt: upstream's list (otlp-exporter-base, http-transport-utils). */
const RETRYABLE_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** One OTLP/HTTP export request, ready to send. */
export interface OtlpPost {
  readonly request: typeof httpRequest;
  readonly agent: Agent;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly timeoutMs: number;
  /** Aborting it destroys the request at once, connect included, and settles the post as a failure. */
  readonly signal: AbortSignal;
  /** False in the bootstrap: a request still waiting on a collector must not keep a finished app's process alive. */
  readonly holdsProcess: boolean;
}

/** The answer when a post or its retries are abandoned because the process is ending. */
export function abandoned(): ExportResponse {
  return {
    status: 'failure',
    error: new Error('export abandoned: the process is ending and OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT has passed'),
  };
}

/**
 * Sends one OTLP/HTTP request and classifies the answer as upstream's transport does (success, retryable with an
 * optional Retry-After, or failure). Never rejects.
 */
export function post(options: OtlpPost): Promise<ExportResponse> {
  return new Promise((resolve) => {
    const { signal } = options;
    if (signal.aborted) {
      resolve(abandoned());
      return;
    }
    signal.addEventListener('abort', () => resolve(abandoned()), { once: true });
    const headers = { ...options.headers, 'Content-Length': String(options.body.byteLength) };
    const req = options.request(options.url, { method: 'POST', headers, agent: options.agent, signal }, (res) =>
      readResponse(res, resolve),
    );
    // The agent refs a keep-alive socket again each time it lends it out, so unref it on every request.
    if (!options.holdsProcess) req.on('socket', (socket) => socket.unref());
    req.setTimeout(options.timeoutMs, () => {
      req.destroy();
      resolve({ status: 'retryable', error: new Error('Request timed out') });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) resolve(abandoned());
      else if (error.code && RETRYABLE_NETWORK_ERRORS.has(error.code)) resolve({ status: 'retryable', error });
      else resolve({ status: 'failure', error });
    });
    req.end(options.body);
  });
}

function readResponse(res: IncomingMessage, resolve: (response: ExportResponse) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      resolve({
        status: 'failure',
        error: new Error(`OTLP export response body exceeded ${MAX_RESPONSE_BYTES} bytes`),
      });
      res.destroy();
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => resolve(classify(res, Buffer.concat(chunks))));
  res.on('error', (error) => resolve(classify(res, undefined, error)));
}

function classify(res: IncomingMessage, body: Buffer | undefined, error?: Error): ExportResponse {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status <= 299) return { status: 'success', data: body };
  if (status === 429 || status === 502 || status === 503 || status === 504) {
    return { status: 'retryable', error, retryInMillis: retryAfterMs(res.headers['retry-after']) };
  }
  return { status: 'failure', error: error ?? new OTLPExporterError(res.statusMessage, status, body?.toString()) };
}

/** Retry-After in seconds or as an HTTP date, read as upstream reads it. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number.parseInt(header, 10);
  if (Number.isInteger(seconds)) return seconds > 0 ? seconds * 1000 : -1;
  const delay = new Date(header).getTime() - Date.now();
  return delay >= 0 ? delay : 0;
}
