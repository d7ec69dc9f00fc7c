import type { IncomingMessage } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { parse as parseForwarded } from 'forwarded-parse';
import { parseRequestUrl } from './request-url';

// The attributes upstream's @opentelemetry/instrumentation-http (0.301) puts on a SERVER span, value for value, so
// that our server instrumentation can replace it without changing what users see. The differential test
// (test/e2e/http-server-parity.test.ts) runs the same requests through both and compares the spans.

/** Methods semconv knows; any other is reported as `_OTHER` with the original in `http.request.method_original`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** Query parameters whose values upstream replaces with `REDACTED`. */
const REDACTED_QUERY_PARAMS = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
];

type Scheme = 'http' | 'https';

/** The span attributes known when the request arrives: what a sampler sees at span start. */
export function requestAttributes(request: IncomingMessage, scheme: Scheme): Attributes {
  const { headers, method } = request;
  const normalizedMethod = normalizeMethod(method);
  const server = serverAddress(request, scheme);
  const attributes: Attributes = {
    'http.request.method': normalizedMethod,
    'url.scheme': scheme,
    'server.address': server?.host,
    'network.peer.address': request.socket.remoteAddress,
    'network.peer.port': request.socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': headers['user-agent'],
  };
  const url = parseRequestUrl(request.url ?? '/', scheme, request.headers.host || 'localhost');
  if (url) {
    attributes['url.path'] = url.pathname;
    if (url.search) attributes['url.query'] = redactQuery(url.search.slice(1));
  }
  const client = clientAddress(request);
  if (client != null) attributes['client.address'] = client;
  if (server?.port != null) attributes['server.port'] = Number(server.port);
  if (method !== normalizedMethod) attributes['http.request.method_original'] = method;
  return attributes;
}

function normalizeMethod(method: string | undefined): string {
  if (method == null) return 'GET';
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

function redactQuery(query: string): string {
  const params = new URLSearchParams(query);
  for (const name of REDACTED_QUERY_PARAMS) if (params.has(name)) params.set(name, 'REDACTED');
  return params.toString();
}

/** `Forwarded` entries, or none when the header does not parse. */
function forwardedEntries(header: string): Record<string, string>[] {
  try {
    return parseForwarded(header);
  } catch {
    return [];
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `server.address`/`server.port`: from `Forwarded`, then `X-Forwarded-Host`, then `Host`. */
function serverAddress(request: IncomingMessage, scheme: Scheme): { host: string; port?: string } | null {
  const { headers } = request;
  if (headers.forwarded) {
    for (const entry of forwardedEntries(headers.forwarded)) {
      if (entry.host) return parseHost(entry.host, entry.proto);
    }
  }
  const forwardedHost = firstValue(headers['x-forwarded-host']);
  if (typeof forwardedHost === 'string' && (forwardedHost.length > 0 || !Array.isArray(headers['x-forwarded-host']))) {
    return parseHost(forwardedHost, firstValue(headers['x-forwarded-proto']));
  }
  const host = headers.host;
  return typeof host === 'string' && host.length > 0 ? parseHost(host, scheme) : null;
}

function parseHost(value: string, proto?: string): { host: string; port?: string } {
  const defaultPort = proto === 'http' ? '80' : proto === 'https' ? '443' : undefined;
  const parts = value.split(':');
  if (parts.length === 1) return defaultPort ? { host: parts[0], port: defaultPort } : { host: parts[0] };
  if (parts.length === 2) return { host: parts[0], port: parts[1] };
  // IPv6: [a:b::c] or [a:b::c]:port
  if (parts[0].startsWith('[')) {
    if (parts[parts.length - 1].endsWith(']')) {
      if (defaultPort) return { host: value, port: defaultPort };
    } else if (parts[parts.length - 2].endsWith(']')) {
      return { host: parts.slice(0, -1).join(':'), port: parts[parts.length - 1] };
    }
  }
  return { host: value };
}

/** `client.address`: from `Forwarded`, then the first `X-Forwarded-For`, then the socket's peer. */
function clientAddress(request: IncomingMessage): string | null {
  const { headers } = request;
  if (headers.forwarded) {
    for (const entry of forwardedEntries(headers.forwarded)) {
      if (entry.for) return withoutPort(entry.for);
    }
  }
  const forwardedFor = firstValue(headers['x-forwarded-for']);
  if (typeof forwardedFor === 'string' && forwardedFor) return withoutPort(forwardedFor.split(',')[0].trim());
  return request.socket.remoteAddress || null;
}

function withoutPort(address: string): string {
  try {
    const { hostname } = new URL(`http://${address}`);
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  } catch {
    return address;
  }
}
