import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// pg and pg-pool call callbacks from socket events, a nextTick or another caller's release; the pg instrumentation
// puts each caller's context back, and skips that work where the callback is already in it. An unsampled checkout
// under an unsampled caller is not made active. Whatever the sampler decided, every callback must see the context,
// and the active span, it was passed from (test/fixtures/pg-callback-context.js); and a checkout outside any span
// must still be the parent of its query.

const EXPECTED = {
  'pool.query, callback: callback': 'pool.query, callback',
  'pool.query, promise: after await': 'pool.query, promise',
  'pool.connect and client.query, callbacks: connect callback': 'pool.connect and client.query, callbacks',
  'pool.connect and client.query, callbacks: query callback': 'pool.connect and client.query, callbacks',
  'exhausted pool, caller a: callback': 'exhausted pool, caller a',
  'exhausted pool, caller b: callback': 'exhausted pool, caller b',
  'a new Client, callbacks: connect callback': 'a new Client, callbacks',
  'a new Client, callbacks: query callback': 'a new Client, callbacks',
};

const SAMPLERS: [string, Record<string, string>][] = [
  ['sampler off (nothing recorded)', { OTEL_TRACES_SAMPLER: 'always_off' }],
  [
    'a ratio that samples nothing, without error keeping',
    { OTEL_TRACES_SAMPLER_ARG: '0', OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' },
  ],
  ['a ratio that samples nothing, with error keeping (pending spans)', { OTEL_TRACES_SAMPLER_ARG: '0' }],
  ['100%', { OTEL_TRACES_SAMPLER: 'always_on' }],
];

describeWithServices(['postgres']).each(SAMPLERS)('pg callbacks under %s', (_name, env) => {
  it(
    "run in their caller's context",
    () =>
      withReceiver(async (receiver) => {
        const exit = await receiver.runFixture(fixture('pg-callback-context.js'), {
          OTEL_SERVICE_NAME: 'pg-callback-context',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          ...env,
          PG_URL: serviceUrl('postgres'),
        });
        expect(exit).toMatchObject({ code: 0, stderr: '' });
        expect(JSON.parse(exit.stdout)).toEqual(EXPECTED);
      }),
    30_000,
  );
});

describeWithServices(['postgres'])('pg queries outside any span, half of them sampled, without error keeping', () => {
  // An unsampled checkout with no caller span must stay its query's parent: made a root of its own, the query would
  // be sampled on its own, and half of the unsampled checkouts would export a query with no parent.
  it(
    'export a query only under its exported checkout',
    () =>
      withReceiver(async (receiver) => {
        const exit = await receiver.runFixture(fixture('pg-callback-context.js'), {
          OTEL_SERVICE_NAME: 'pg-outside-spans',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.5',
          OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
          OUTSIDE_SPANS: '40',
          PG_URL: serviceUrl('postgres'),
        });
        expect(exit).toMatchObject({ code: 0, stdout: 'done\n', stderr: '' });
        const byId = new Map(receiver.spans.map((s) => [s.spanId, s]));
        const queries = receiver.spans.filter((s) => s.name.startsWith('pg.query'));
        expect(queries.length).toBeGreaterThan(0);
        expect(queries.map((q) => byId.get(q.parentSpanId)?.name ?? 'no exported parent')).toEqual(
          queries.map(() => 'pg-pool.connect'),
        );
      }),
    30_000,
  );
});
