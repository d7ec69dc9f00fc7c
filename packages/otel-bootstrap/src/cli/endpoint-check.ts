import type { IncomingMessage } from 'node:http';
import type { ExportConfig, OtlpSignalConfig } from '../config/read-config';
import { otlpAgentFactory } from '../export/otlp-http-delegate';

/** The outcome of one step of `doctor`, with what to do about a failure. */
export interface StepResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly hint?: string;
}

/** A signal whose OTLP/HTTP endpoint `doctor` checks. */
export type SignalName = 'traces' | 'metrics' | 'logs';

/** Where one signal's exports go, as {@link checkSignalEndpoint} posts to it. */
export type SignalTarget = Pick<OtlpSignalConfig, 'url' | 'protocol' | 'headers' | 'tls'> & {
  readonly signal: SignalName;
};

/**
 * Posts an empty export request to the traces endpoint, with the configured protocol and headers, and explains
 * the answer: the usual reasons no traces appear are a collector that is not running, the wrong port, a full URL
 * put in the variable that gets `/v1/traces` appended, and TLS.
 */
export function checkEndpoint(config: ExportConfig, timeoutMs: number): Promise<StepResult> {
  const { tracesUrl: url, protocol, headers, tls } = config;
  return checkSignalEndpoint({ signal: 'traces', url, protocol, headers, tls }, timeoutMs);
}

/**
 * Posts an empty (and valid) export request of `target.signal` to its endpoint, as {@link checkEndpoint} does for
 * traces: an empty ExportMetricsServiceRequest to `/v1/metrics`, an empty ExportLogsServiceRequest to `/v1/logs`.
 */
export async function checkSignalEndpoint(target: SignalTarget, timeoutMs: number): Promise<StepResult> {
  const url = new URL(target.url);
  const json = target.protocol === 'http/json';
  try {
    const status = await postEmpty(url, target, json, timeoutMs);
    if (status >= 200 && status <= 299) {
      return { ok: true, detail: `${url.href} accepted an empty ${target.protocol} export` };
    }
    return { ok: false, detail: `${url.href} answered HTTP ${status}`, hint: statusHint(status, url, target.signal) };
  } catch (error) {
    const cause = causeOf(error);
    return { ok: false, detail: `${url.href}: ${cause.message}`, hint: networkHint(cause, url) };
  }
}

/**
 * Posts the empty request with the agent the exports use, so that the check trusts what they trust (the
 * `OTEL_EXPORTER_OTLP_*CERTIFICATE` files, and a client certificate for mutual TLS). Resolves with the status.
 */
function postEmpty(url: URL, target: SignalTarget, json: boolean, timeoutMs: number): Promise<number> {
  const client = (
    url.protocol === 'https:' ? require('node:https') : require('node:http')
  ) as typeof import('node:http');
  const agent = otlpAgentFactory(target.tls)(url.protocol);
  const body = json ? '{}' : '';
  const headers = {
    ...target.headers,
    'content-type': json ? 'application/json' : 'application/x-protobuf',
    'content-length': String(Buffer.byteLength(body)),
  };
  return new Promise<number>((resolve, reject) => {
    const req = client.request(url, { method: 'POST', headers, agent, signal: AbortSignal.timeout(timeoutMs) });
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  }).finally(() => agent.destroy());
}

function statusHint(status: number, url: URL, signal: SignalName): string {
  if (status === 404) {
    return url.pathname.endsWith(`/v1/${signal}`)
      ? `something answers there, but not an OTLP/HTTP receiver of ${signal}: check the port (OTLP/HTTP is 4318), ` +
          'and that the collector has a pipeline for this signal'
      : `the path is wrong: OTLP/HTTP ${signal} go to /v1/${signal}. OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/${signal} ` +
          `appended; OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT is used as is`;
  }
  if (status === 401 || status === 403) return 'the receiver wants credentials: set them in OTEL_EXPORTER_OTLP_HEADERS';
  if (status === 415) return 'the receiver does not take this encoding: try OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf';
  if (status === 405) return 'this is not an OTLP receiver (it refuses POST): check the port, 4318 for OTLP/HTTP';
  return 'the receiver is there but refused the export; its own logs say why';
}

function networkHint(cause: { code?: string; message: string }, url: URL): string {
  const code = cause.code ?? '';
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (code === 'ECONNREFUSED') {
    const portHint =
      port === 4317
        ? ' Port 4317 is OTLP over gRPC; this distribution sends OTLP over HTTP, to 4318.'
        : port === 16686
          ? " Port 16686 is Jaeger's UI; OTLP/HTTP is 4318."
          : '';
    return (
      `connection refused: nothing listens on ${url.host}. Is the collector running (docker compose up -d)? ` +
      `Inside a container, localhost is the container itself: use the collector's service name.${portHint}`
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name ${url.hostname} does not resolve`;
  if (code === 'ETIMEDOUT' || cause.message.includes('timeout')) {
    return 'no answer in time: a firewall, or the wrong host';
  }
  if (/SSL|TLS|CERT|EPROTO|self.signed/i.test(`${code} ${cause.message}`)) {
    return url.protocol === 'https:'
      ? 'TLS failed: the receiver may speak plain HTTP (use http://), or its certificate is not trusted ' +
          '(OTEL_EXPORTER_OTLP_CERTIFICATE)'
      : 'TLS failed';
  }
  if (code === 'ECONNRESET' || code.startsWith('HPE_')) {
    return 'the connection was dropped: a TLS endpoint spoken to in plain HTTP, or not an HTTP receiver';
  }
  return 'the request failed before any answer';
}

/** A request error's code and message; an aborted request is the check's timeout. */
function causeOf(error: unknown): { code?: string; message: string } {
  const failed = error as { code?: string; message?: string; name?: string };
  if (failed.name === 'AbortError' || failed.name === 'TimeoutError') return { code: 'ETIMEDOUT', message: 'timeout' };
  return { code: failed.code, message: failed.message ?? String(error) };
}
