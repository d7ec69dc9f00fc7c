import { useReceiver } from '@org/otel-testing';
import type { LoadMode, ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Differential test: test/fixtures/express-parity.js observes what express does (res.format's answers, the `next`
// and `req.next` that middleware and res.format's handlers get, a nested router, a 406 sent on through req.next) and
// prints it as one JSON line. It runs without the bootstrap, under --require and --import, and under --require with
// the http instrumentation off, so that no span is active while express runs. All must observe the same: the
// express instrumentation may add to the trace, never to what express does. Under upstream's instrumentation alone,
// middleware got a `next` other than req.next, and 4 of express 5.3's own res.format tests failed.

interface Output {
  readonly observations: Record<string, unknown>;
  /** Layer paths the instrumentation held on the request when the handler after 200 middleware ran. */
  readonly layersStored: readonly number[];
}

type Run = LoadMode | 'no-span';

const RUNS: Readonly<Record<Run, { mode: LoadMode; env: Record<string, string> }>> = {
  none: { mode: 'none', env: {} },
  require: { mode: 'require', env: {} },
  import: { mode: 'import', env: {} },
  'no-span': { mode: 'require', env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' } },
};

describe('express behaves the same with the bootstrap as without', () => {
  const receiver = useReceiver();
  const outputs = new Map<Run, Output>();

  beforeAll(async () => {
    for (const [run, { mode, env }] of Object.entries(RUNS) as [Run, (typeof RUNS)[Run]][]) {
      const exit = await receiver.runFixture(
        fixture('express-parity.js'),
        { ...env, OTEL_SERVICE_NAME: `express-parity-${run}` },
        { mode },
      );
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      outputs.set(run, JSON.parse(exit.stdout.trim()) as Output);
    }
    // Eight requests in each run with the http instrumentation; the bootstrap flushes before the process exits.
    await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length === 16);
  });

  it.each(['require', 'import', 'no-span'] as const)('observes the same under %s as without the bootstrap', (run) => {
    expect(outputs.get(run)?.observations).toEqual(outputs.get('none')?.observations);
  });

  it('hands res.format handlers the next the middleware got, which is req.next', () => {
    expect(outputs.get('none')?.observations).toMatchObject({
      seen: {
        middlewareNextIsReqNext: true,
        jsonArgs: { req: true, res: true, next: true },
        defaultArgs: { req: true, res: true, next: true },
        routerNextIsReqNext: true,
      },
      requests: {
        'format qvalues': { status: 200, body: '{"message":"hey"}' },
        'route 406': { status: 406, body: 'Supports: text/plain, application/json' },
      },
    });
  });

  // Upstream's instrumentation stores each layer's path on the request and removes it when the layer calls next,
  // but not while no span is active: then 200 middleware mounted at '/' left 202 paths, and every layer scanned them.
  it.each(['require', 'import', 'no-span'] as const)('holds only the paths of the layers in use under %s', (run) => {
    // '/chain' and '/end': the router and the route the handler runs in.
    expect(outputs.get(run)?.layersStored).toEqual([2, 2]);
  });

  it('still ends a layer span through the next that res.format calls, with its error', () => {
    // GET /route-406 [SERVER]                    a 4xx leaves a SERVER span's status unset
    // └── request handler [INTERNAL]             http.route=/route-406; res.format sent the 406 error through
    //                                            req.next, which is upstream's next: ERROR, with an exception event
    const handler = receiver.spans.find(
      (s: ReceivedSpan) =>
        s.service === 'express-parity-require' &&
        s.name === 'request handler' &&
        s.attributes['http.route'] === '/route-406',
    );
    expect(handler?.status).toMatchObject({ code: 'ERROR', message: 'Not Acceptable' });
    expect(handler?.events.map((e) => e.name)).toEqual(['exception']);
  });
});
