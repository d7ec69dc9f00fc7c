import type { ExportConfig, OtlpSignalConfig } from '../config/read-config';

/** The outcome of one step of `doctor`, with what to do about a failure. */
export interface StepResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly hint?: string;
}

/** A signal whose OTLP/HTTP endpoint `doctor` checks. */
export type SignalName = 'traces' | 'metrics' | 'logs';

/** Where one signal's exports go, as {@link checkSignalEndpoint} posts to it. */
export type SignalTarget = Pick<OtlpSignalConfig, 'url' | 'protocol' | 'headers'> & { readonly signal: SignalName };

/**
 * Posts an empty export request to the traces endpoint, with the configured protocol and headers, and explains
 * the answer: the usual reasons no traces appear are a collector that is not running, the wrong port, a full URL
 * put in the variable that gets `/v1/traces` appended, and TLS.
 */
export function checkEndpoint(config: ExportConfig, timeoutMs: number): Promise<StepResult> {
  const { tracesUrl: url, protocol, headers } = config;
  return checkSignalEndpoint({ signal: 'traces', url, protocol, headers }, timeoutMs);
}

/**
 * Posts an empty (and valid) export request of `target.signal` to its endpoint, as {@link checkEndpoint} does for
 * traces: an empty ExportMetricsServiceRequest to `/v1/metrics`, an empty ExportLogsServiceRequest to `/v1/logs`.
 */
export async function checkSignalEndpoint(target: SignalTarget, timeoutMs: number): Promise<StepResult> {
  const url = new URL(target.url);
  const json = target.protocol === 'http/json';
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body: json ? '{}' : new Uint8Array(0),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    if (response.ok) return { ok: true, detail: `${url.href} accepted an empty ${target.protocol} export` };
    return {
      ok: false,
      detail: `${url.href} answered HTTP ${response.status}`,
      hint: statusHint(response.status, url, target.signal),
    };
  } catch (error) {
    const cause = causeOf(error);
    return { ok: false, detail: `${url.href}: ${cause.message}`, hint: networkHint(cause, url) };
  }
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
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || cause.message.includes('timeout')) {
    return 'no answer in time: a firewall, or the wrong host';
  }
  if (/SSL|TLS|CERT|EPROTO|self.signed/i.test(`${code} ${cause.message}`)) {
    return url.protocol === 'https:'
      ? 'TLS failed: the receiver may speak plain HTTP (use http://), or its certificate is not trusted ' +
          '(OTEL_EXPORTER_OTLP_CERTIFICATE)'
      : 'TLS failed';
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return 'the connection was dropped: a TLS endpoint spoken to in plain HTTP, or not an HTTP receiver';
  }
  return 'the request failed before any answer';
}

/** fetch wraps network errors: the useful code and message are on the cause. */
function causeOf(error: unknown): { code?: string; message: string } {
  const outer = error as { cause?: { code?: string; message?: string }; message?: string; name?: string };
  if (outer.name === 'TimeoutError') return { code: 'ETIMEDOUT', message: 'timeout' };
  const cause = outer.cause;
  return { code: cause?.code, message: cause?.message ?? outer.message ?? String(error) };
}
