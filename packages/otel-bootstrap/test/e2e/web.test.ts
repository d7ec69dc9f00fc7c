import { buildTrees, descendants, useReceiver } from '@org/otel-testing';
import type { SpanNode } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

describe.each([
  ['express', 'web-app.js'],
  ['express', 'web-app.mjs'],
  ['fastify', 'web-app.js'],
  ['fastify', 'web-app.mjs'],
])('%s (%s)', (framework, script) => {
  const receiver = useReceiver({ env: { OTEL_BSP_SCHEDULE_DELAY: '50' } });
  let roots: SpanNode[] = [];
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    const b = await receiver.startService(fixture('http-service.js'), { OTEL_SERVICE_NAME: 'svc-b' });
    const a = await receiver.startService(fixture(script), {
      OTEL_SERVICE_NAME: 'svc-a',
      FRAMEWORK: framework,
      DOWNSTREAM_URL: b.url,
    });
    for (const path of ['/api/orders/42', '/api/boom', '/api/fail']) {
      statuses[path] = (await get(`${a.url}${path}`)).status;
    }
    await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length === 5);
    roots = buildTrees(receiver.spans);
  });

  const server = (route: string) => roots.find((r) => r.span.attributes['http.route'] === route);

  it('answers as the app would without tracing', () => {
    expect(statuses).toEqual({ '/api/orders/42': 200, '/api/boom': 500, '/api/fail': 500 });
  });

  it('names server spans with the route template and sets http.route', () => {
    expect(roots.map((r) => [r.span.service, r.span.kind, r.span.name])).toEqual([
      ['svc-a', 'SERVER', 'GET /api/orders/:id'],
      ['svc-a', 'SERVER', 'GET /api/boom'],
      ['svc-a', 'SERVER', 'GET /api/fail'],
    ]);
  });

  it('gives ERROR status to a thrown error and to a 500 answer, and not to a 200', () => {
    expect(server('/api/orders/:id')?.span.status.code).toBe('UNSET');
    expect(server('/api/boom')?.span.status.code).toBe('ERROR');
    expect(server('/api/fail')?.span.status.code).toBe('ERROR');
    expect(server('/api/fail')?.span.attributes['http.response.status_code']).toBe(500);
  });

  it('nests a custom span, with its attributes and events, under the active span', () => {
    const order = server('/api/orders/:id');
    const custom = descendants(order as SpanNode).find((s) => s.name === 'load-order');
    expect(custom).toMatchObject({
      kind: 'INTERNAL',
      traceId: order?.span.traceId,
      attributes: { 'order.id': '42' },
      events: [{ name: 'cache-miss', attributes: { 'cache.key': 'order:42' } }],
    });
  });

  it('carries traceparent to the next service from http.request and from fetch', () => {
    // svc-a: GET /api/orders/:id [SERVER]
    // └── … framework spans …
    //     ├── load-order [INTERNAL]
    //     ├── GET [CLIENT] (http.get)  └── svc-b: GET [SERVER]
    //     └── GET [CLIENT] (fetch)     └── svc-b: GET [SERVER]
    const order = server('/api/orders/:id') as SpanNode;
    const below = descendants(order);
    const clients = below.filter((s) => s.kind === 'CLIENT');
    expect(clients.map((s) => s.scope.name).sort()).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-undici',
    ]);
    const downstream = below.filter((s) => s.service === 'svc-b');
    expect(downstream).toHaveLength(2);
    for (const span of downstream) {
      expect(span.kind).toBe('SERVER');
      expect(clients.map((c) => c.spanId)).toContain(span.parentSpanId);
    }
  });
});
