import { useReceiver } from '@org/otel-testing';
import type { LoadMode, ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Differential test: test/fixtures/fastify-parity.js observes what fastify does through its public API (errors
// reaching the error handler, addHook's error codes, setNotFoundHandler's return value, a synchronous reply.send type
// error, hook counts, the plugin tree and the routes with their hooks) and prints it as one JSON line. It runs
// without the bootstrap, under --require and under --import, and the three lines must be the same: the fastify
// instrumentation may add to the trace, never to what fastify does. Under @fastify/otel 0.21, 17 of these
// observations differed (a rejection with null reached the error handler as a TypeError, among others).

interface Observations {
  readonly requests: Record<string, { readonly status: number; readonly body: string }>;
  readonly [key: string]: unknown;
}

/** Answered by an error handler that sets no status: the one request whose answer a subscriber changes. */
const NO_STATUS = '/no-status/throw';

describe('fastify behaves the same with the bootstrap as without', () => {
  const receiver = useReceiver();
  const observed = new Map<LoadMode, Observations>();

  beforeAll(async () => {
    for (const mode of ['none', 'require', 'import'] as const) {
      const env = { OTEL_SERVICE_NAME: `fastify-parity-${mode}` };
      const exit = await receiver.runFixture(fixture('fastify-parity.js'), env, { mode });
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      observed.set(mode, JSON.parse(exit.stdout.trim()) as Observations);
    }
    // Nine requests in each traced run; the bootstrap flushes before the process exits.
    await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length === 18);
  });

  /** Everything observed except the request that a subscriber changes (see the last test). */
  const comparable = (mode: LoadMode) => {
    const { requests, ...rest } = observed.get(mode)!;
    const others = Object.fromEntries(Object.entries(requests).filter(([path]) => path !== NO_STATUS));
    return { ...rest, requests: others };
  };

  it.each(['require', 'import'] as const)('observes the same under --%s as without the bootstrap', (mode) => {
    expect(comparable(mode)).toEqual(comparable('none'));
  });

  it('sees fastify reject what it rejects, and hand null on as null', () => {
    expect(comparable('none')).toMatchObject({
      registration: {
        addHookUndefined: { threw: 'FST_ERR_HOOK_INVALID_HANDLER' },
        asyncHookWithDone: { threw: 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER' },
        setNotFoundHandlerReturnsInstance: { returned: true },
      },
      received: { '/api/reject-null': 'null', '/api/throw-null': 'null' },
      handled: { sendTypeError: { threw: 'FST_ERR_REP_INVALID_PAYLOAD_TYPE' } },
      requests: { '/send-type-error': { status: 200, body: 'sent after the type error' } },
    });
  });

  it('records the handler errors on the SERVER spans without changing them', () => {
    const server = (path: string) =>
      receiver.spans.find(
        (s: ReceivedSpan) =>
          s.service === 'fastify-parity-require' && s.kind === 'SERVER' && s.attributes['url.path'] === path,
      );
    const exceptions = (span?: ReceivedSpan) =>
      span?.events.filter((e) => e.name === 'exception').map((e) => e.attributes['exception.message']);
    // Thrown or rejected null reaches the span as the text "null"; fastify answered with the handler's 599.
    expect(server('/api/reject-null')).toMatchObject({ name: 'GET /api/reject-null', status: { code: 'ERROR' } });
    expect(exceptions(server('/api/reject-null'))).toEqual(['null']);
    expect(exceptions(server('/api/throw-error'))).toEqual(['thrown']);
    // A thrown 418 is recorded, but a 4xx leaves a SERVER span's status unset (HTTP semantic conventions).
    expect(server('/teapot')).toMatchObject({ name: 'GET /teapot', status: { code: 'UNSET' } });
    expect(exceptions(server('/teapot'))).toEqual(['short and stout']);
    expect(server('/items/7')).toMatchObject({ name: 'GET /items/:id', attributes: { 'http.route': '/items/:id' } });
    // No route matched: fastify's 404 handler publishes nothing, so the span keeps the bare method.
    expect(server('/api/nothing-here')?.name).toBe('GET');
    expect(server('/api/nothing-here')?.attributes['http.route']).toBeUndefined();
  });

  // Fastify itself answers differently when anything subscribes to tracing:fastify.request.handler: it then sets the
  // status from the error before its error channel fires (https://github.com/fastify/fastify/pull/6412), so an
  // error handler that sends without a status answers 500 instead of 200. The same holds for any other subscriber
  // (APM agents, Sentry). This test shows when a fastify release changes it.
  it('differs only where fastify itself changes the answer for any diagnostics subscriber', () => {
    expect(observed.get('none')?.requests[NO_STATUS].status).toBe(200);
    expect(observed.get('require')?.requests[NO_STATUS].status).toBe(500);
    expect(observed.get('import')?.requests[NO_STATUS].status).toBe(500);
  });
});
