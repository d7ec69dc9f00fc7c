import { request } from 'node:http';
import { withReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Differential test: the same requests go to the same app twice, once with our server instrumentation and once
// with upstream's (@opentelemetry/instrumentation-http), and each request's trace must come out the same: span
// names, kinds, parents, status, events and every attribute. Only what differs by nature is normalised: ids,
// times, the client's ephemeral port and the server span's instrumentation scope.

interface Case {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Abort the request after this many ms, before the app answers. */
  readonly abortAfterMs?: number;
}

const REMOTE_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const CASES: readonly Case[] = [
  {
    name: 'express route, remote parent, redacted and plain query, user agent',
    method: 'GET',
    path: '/users/42?sig=secret&x=1&y=a%20b',
    headers: { traceparent: REMOTE_PARENT, 'user-agent': 'parity-test/1.0' },
  },
  { name: 'body read in a data/end listener', method: 'POST', path: '/echo', body: 'hello parity' },
  { name: '500 answer', method: 'GET', path: '/fail' },
  { name: 'no route', method: 'GET', path: '/nothing/here' },
  { name: 'path normalised', method: 'GET', path: '/a/./b/../c' },
  {
    name: 'Forwarded header',
    method: 'GET',
    path: '/forwarded',
    headers: { forwarded: 'for="[2001:db8::17]:4711";proto=https;host=shop.example.com' },
  },
  {
    name: 'X-Forwarded-* headers',
    method: 'GET',
    path: '/x-forwarded',
    headers: {
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.7, 10.0.0.1',
    },
  },
  { name: 'IPv6 host with port', method: 'GET', path: '/ipv6', headers: { host: '[::1]:8443' } },
  { name: 'method unknown to semconv', method: 'PROPFIND', path: '/webdav' },
  { name: 'malformed traceparent', method: 'GET', path: '/bad-parent', headers: { traceparent: '00-zz-1-01' } },
  { name: 'client aborts before the answer', method: 'GET', path: '/slow', abortAfterMs: 50 },
  { name: 'request listener throws', method: 'GET', path: '/throw', abortAfterMs: 100 },
  { name: "'request' emitted again for the same request", method: 'GET', path: '/forward' },
  { name: 'emit on an object derived from the response', method: 'GET', path: '/derived' },
];

/** Sends one case; resolves with the response's traceresponse header (or undefined when aborted). */
function send(port: number, c: Case): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: c.method,
        path: c.path,
        headers: { host: 'parity.test:8080', ...c.headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers.traceresponse as string | undefined));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => (c.abortAfterMs ? resolve(undefined) : reject(error)));
    if (c.abortAfterMs) setTimeout(() => req.destroy(), c.abortAfterMs);
    req.end(c.body);
  });
}

/** A trace as a comparable value: spans in tree order with parents by name, ids and times left out. */
function normalise(spans: readonly ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      parent: byId.get(s.parentSpanId)?.name ?? (s.parentSpanId ? `remote ${s.parentSpanId}` : 'root'),
      status: s.status,
      events: s.events.map((e) => e.name),
      attributes: withPortNormalised(s.attributes),
      scope: s.kind === 'SERVER' ? 'the server instrumentation' : s.scope.name,
    }))
    .sort((a, b) => `${a.parent}>${a.name}`.localeCompare(`${b.parent}>${b.name}`));
}

/** The client's ephemeral port differs between runs; that there is one does not. */
function withPortNormalised(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...attributes };
  if ('network.peer.port' in copy) copy['network.peer.port'] = 'a port';
  return copy;
}

interface Run {
  readonly traces: Map<string, ReturnType<typeof normalise>>;
  readonly serverScopes: Set<string>;
  readonly traceResponses: Map<string, string | undefined>;
  readonly serverSpans: Map<string, ReceivedSpan>;
  readonly serverSpanCounts: Map<string, number>;
}

function runCases(mode: 'lean' | 'upstream'): Promise<Run> {
  return withReceiver(async (receiver) => {
    const { port } = await receiver.startService(fixture('parity-server.js'), {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'parity',
      OTEL_BOOTSTRAP_HTTP_SERVER: mode,
      OTEL_BOOTSTRAP_TRACERESPONSE: 'true',
    });
    const traceResponses = new Map<string, string | undefined>();
    for (const c of CASES) traceResponses.set(c.name, await send(port, c));
    const serverSpanOf = (c: Case) => (s: ReceivedSpan) =>
      s.kind === 'SERVER' &&
      (s.attributes['http.request.method_original'] ?? s.attributes['http.request.method']) === c.method &&
      s.attributes['url.path'] === pathOf(c);
    await receiver.waitFor((spans) => CASES.every((c) => spans.some(serverSpanOf(c))));
    await new Promise((resolve) => setTimeout(resolve, 300)); // children that end after their server span
    const traces = new Map<string, ReturnType<typeof normalise>>();
    const serverSpans = new Map<string, ReceivedSpan>();
    const serverSpanCounts = new Map<string, number>();
    for (const c of CASES) {
      serverSpanCounts.set(c.name, receiver.spans.filter(serverSpanOf(c)).length);
      const server = receiver.spans.find(serverSpanOf(c));
      if (!server) throw new Error(`no server span for ${c.name}`);
      serverSpans.set(c.name, server);
      traces.set(c.name, normalise(receiver.spans.filter((s) => s.traceId === server.traceId)));
    }
    const serverScopes = new Set(receiver.spans.filter((s) => s.kind === 'SERVER').map((s) => s.scope.name));
    return { traces, serverScopes, traceResponses, serverSpans, serverSpanCounts };
  });
}

/** The path as WHATWG URL parsing leaves it, which both instrumentations report. */
function pathOf(c: Case): string {
  return new URL(c.path, 'http://parity.test').pathname;
}

describe('our HTTP server spans match upstream instrumentation-http, request for request', () => {
  let lean: Run;
  let upstream: Run;

  beforeAll(async () => {
    lean = await runCases('lean');
    upstream = await runCases('upstream');
  }, 60_000);

  it('really compares two implementations', () => {
    expect([...lean.serverScopes]).toEqual(['@org/otel-bootstrap/http-server']);
    expect([...upstream.serverScopes]).toEqual(['@opentelemetry/instrumentation-http']);
  });

  it.each(CASES.map((c) => [c.name]))('%s: the same trace', (name) => {
    expect(lean.traces.get(name)).toEqual(upstream.traces.get(name));
  });

  it('makes as many server spans per request as upstream (two when the app re-emits the request)', () => {
    expect(lean.serverSpanCounts).toEqual(upstream.serverSpanCounts);
    expect(lean.serverSpanCounts.get("'request' emitted again for the same request")).toBe(2);
  });

  it('the cases cover what they claim (route, body context, error, forwarding, method, abort)', () => {
    const route = lean.traces.get(CASES[0].name)!.find((s) => s.kind === 'SERVER')!;
    expect(route.name).toBe('GET /users/:id');
    expect(route.parent).toBe('remote b7ad6b7169203331');
    expect(route.attributes['url.query']).toBe('sig=[REDACTED]&x=1&y=a+b');
    expect(lean.traces.get(CASES[1].name)!.find((s) => s.name === 'body.read')?.parent).toBe('POST /echo');
    expect(lean.traces.get('500 answer')!.find((s) => s.kind === 'SERVER')!.status.code).toBe('ERROR');
    const forwarded = lean.serverSpans.get('Forwarded header')!.attributes;
    expect([forwarded['client.address'], forwarded['server.address'], forwarded['server.port']]).toEqual([
      '2001:db8::17',
      'shop.example.com',
      443,
    ]);
    const method = lean.serverSpans.get('method unknown to semconv')!.attributes;
    expect([method['http.request.method'], method['http.request.method_original']]).toEqual(['_OTHER', 'PROPFIND']);
    expect(lean.serverSpans.get('client aborts before the answer')!.attributes['url.path']).toBe('/slow');
    const thrown = lean.serverSpans.get('request listener throws')!;
    expect([thrown.status, thrown.events.map((e) => e.name)]).toEqual([
      { code: 'ERROR', message: 'sync boom' },
      ['exception'],
    ]);
  });

  it('sets traceresponse to the server span, in both', () => {
    for (const run of [lean, upstream]) {
      const span = run.serverSpans.get('no route')!;
      expect(run.traceResponses.get('no route')).toBe(`00-${span.traceId}-${span.spanId}-03`);
    }
  });
});
