import type { Attributes, Context } from '@opentelemetry/api';
import { rememberAttributeSet } from '../../metrics/attribute-set-hashes';
import { durationOptions, HTTP_DURATION_BOUNDARIES, LazyHistogram } from '../LazyHistogram';

// `http.server.request.duration` (stable HTTP semantic conventions), recorded for every request whatever the
// sampler decided: metrics are not sampled. Its attributes: http.request.method, url.scheme, http.route (when the
// framework reported one), http.response.status_code, error.type (a 5xx status or the thrown error's name),
// network.protocol.version. Each combination's attribute object is made once and reused, so a request allocates
// nothing here but the key.

const DURATION = new LazyHistogram(
  '@org/otel-bootstrap/http-server',
  '0.1.0',
  'http.server.request.duration',
  durationOptions('Duration of HTTP server requests.', HTTP_DURATION_BOUNDARIES),
);

/** Attribute sets kept at most; past it (an app that puts ids in its routes), sets are made per request. */
const MAX_CACHED = 1000;
const CACHE = new Map<string, Attributes>();

/** How a request ended, for its duration's attributes. */
export interface RequestOutcome {
  /** The span's start attributes: http.request.method, url.scheme, network.protocol.version. */
  readonly request: Attributes;
  readonly statusCode: number | undefined;
  readonly route: string | undefined;
  /** The thrown error's name, when the request failed with one. */
  readonly errorName: string | undefined;
}

/** Records one request's duration, in `context` (the server span's, for exemplars). */
export function recordServerDuration(startMillis: number, outcome: RequestOutcome, context: Context): void {
  DURATION.record((performance.now() - startMillis) / 1000, durationAttributes(outcome), context);
}

function durationAttributes({ request, statusCode, route, errorName }: RequestOutcome): Attributes {
  const method = request['http.request.method'];
  const scheme = request['url.scheme'];
  const version = request['network.protocol.version'];
  const status = errorName === undefined ? statusCode : undefined;
  const errorType = errorName ?? (status !== undefined && status >= 500 && status < 600 ? String(status) : undefined);
  const key = `${method} ${scheme} ${version} ${status} ${errorType} ${route}`;
  let attributes = CACHE.get(key);
  if (attributes) return attributes;
  attributes = { 'http.request.method': method, 'url.scheme': scheme };
  if (route) attributes['http.route'] = route;
  if (status !== undefined) attributes['http.response.status_code'] = status;
  if (errorType !== undefined) attributes['error.type'] = errorType;
  if (version) attributes['network.protocol.version'] = version;
  if (CACHE.size < MAX_CACHED) CACHE.set(key, rememberAttributeSet(attributes));
  return attributes;
}
