import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// pg and pg-pool call callbacks from socket events, a nextTick or another caller's release; the pg instrumentation
// puts each caller's context back, and skips that work where the callback is already in it. A span that records
// nothing is not made active during a pool checkout. Whatever the sampler decided, every callback must see the
// context it was passed from (test/fixtures/pg-callback-context.js).

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
  ['10% without error keeping', { OTEL_TRACES_SAMPLER_ARG: '0', OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
  ['10% with error keeping (pending spans)', { OTEL_TRACES_SAMPLER_ARG: '0' }],
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
