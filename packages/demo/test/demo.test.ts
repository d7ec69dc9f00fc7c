import { connect } from 'node:net';
import {
  buildTrees,
  describeWithServices,
  hideExpressLayers,
  OtlpReceiver,
  renderTrees,
  serviceUrl,
  treeShape,
} from '@org/otel-testing';
import type { ReceivedSpan, RunningFixture } from '@org/otel-testing';
import { demoEnv, freePortRange, startDemo } from './demo-process';

// `npm run demo` as a test: src/run-local.js starts the five traced services as real `node --require
// @org/otel-bootstrap` processes against the real PostgreSQL, Redis and RabbitMQ; the test drives one order.

async function startReadyDemo(
  running: RunningFixture[],
  env: Record<string, string>,
): Promise<{ demo: RunningFixture; gateway: string }> {
  const port = await freePortRange();
  const demo = startDemo({ ...demoEnv(port), ...env });
  running.push(demo);
  await demo.waitForLine(/demo ready/, 60_000);
  return { demo, gateway: `http://127.0.0.1:${port}` };
}

function durationMs(span: ReceivedSpan): number {
  return Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
}

function postOrder(gateway: string, query = '', body: object = { userId: 1, amount: 42 }): Promise<Response> {
  return fetch(`${gateway}/orders${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describeWithServices(['postgres', 'redis', 'rabbitmq'])('npm run demo', () => {
  const running: RunningFixture[] = [];
  afterEach(() => {
    // run-local stops its services on SIGTERM.
    running.splice(0).forEach((demo) => demo.kill('SIGTERM'));
  });

  describe('with a collector', () => {
    let receiver: OtlpReceiver;
    beforeEach(async () => {
      receiver = new OtlpReceiver();
      await receiver.start();
    });
    afterEach(() => receiver.stop());

    it('turns one order into one trace across five services, with the business spans and events', async () => {
      const { gateway } = await startReadyDemo(running, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      const response = await postOrder(gateway);
      expect(response.status).toBe(201);
      const order = (await response.json()) as { id: number };
      const ended = (spans: readonly ReceivedSpan[], name: string) => spans.some((s) => s.name === name);
      await receiver.waitFor(
        (spans) => ['order.finish', 'POST /orders', 'notification.send'].every((name) => ended(spans, name)),
        30_000,
      );

      const trees = renderTrees(buildTrees(receiver.spans, hideExpressLayers));
      console.log(`demo order:\n${trees}`);
      expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
      // The order's whole journey: HTTP to users and orders, then RabbitMQ to the payment worker and back.
      const database = new URL(serviceUrl('postgres')).pathname.slice(1);
      const shape = treeShape(receiver.spans, hideExpressLayers)
        .replace(/otb\.demo\.test\.\d+\.\d+/g, 'EXCHANGE')
        .replaceAll(` ${database} [CLIENT]`, ' DB [CLIENT]');
      expect(shape).toBe(
        [
          'api-gateway: POST /orders [SERVER]',
          '├── api-gateway: GET [CLIENT]',
          '│   └── users: GET /users/:id [SERVER]',
          '│       ├── users: pg-pool.connect [CLIENT]',
          '│       └── users: pg.query:SELECT DB [CLIENT]',
          '└── api-gateway: POST [CLIENT]',
          '    └── orders: POST /orders [SERVER]',
          '        └── orders: order.place [INTERNAL]',
          '            ├── orders: pg-pool.connect [CLIENT]',
          '            ├── orders: pg.query:INSERT DB [CLIENT]',
          '            ├── orders: set [CLIENT]',
          '            └── orders: publish EXCHANGE [PRODUCER]',
          '                └── payment-worker: EXCHANGE.payment process [CONSUMER]',
          '                    ├── payment-worker: payment.charge [INTERNAL]',
          '                    └── payment-worker: publish EXCHANGE [PRODUCER]',
          '                        └── orders: EXCHANGE.order-status process [CONSUMER]',
          '                            └── orders: order.finish [INTERNAL]',
          '                                ├── orders: pg-pool.connect [CLIENT]',
          '                                ├── orders: pg.query:UPDATE DB [CLIENT]',
          '                                ├── orders: del [CLIENT]',
          '                                └── orders: POST [CLIENT]',
          '                                    └── notification: POST /notifications [SERVER]',
          '                                        └── notification: notification.send [INTERNAL]',
        ].join('\n'),
      );
      expect(receiver.spans.filter((s) => s.status.code === 'ERROR')).toEqual([]);

      const span = (name: string) => receiver.spans.find((s) => s.name === name) as ReceivedSpan;
      expect(span('order.place').attributes).toMatchObject({ 'order.id': order.id, 'order.amount': 42 });
      expect(span('order.place').events.map((e) => [e.name, e.attributes['event.name']])).toEqual([
        ['event_published', 'order.created'],
      ]);
      expect(span('payment.charge').attributes).toMatchObject({ 'order.id': order.id, 'order.amount': 42 });
      expect(span('order.finish').attributes).toMatchObject({ 'order.id': order.id, 'order.status': 'confirmed' });
      expect(new Set(receiver.spans.map((s) => s.resource['deployment.environment.name']))).toEqual(
        new Set([undefined]),
      );
    });

    it('logs in (a wrong password is a 401, not an error) and makes ?delay a slow users query', async () => {
      const { gateway } = await startReadyDemo(running, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      const login = (password: string) =>
        fetch(`${gateway}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ada@example.com', password }),
        });
      const good = await login('demo-password');
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ userId: expect.any(Number), token: expect.any(String) });
      expect((await login('guess')).status).toBe(401);
      expect((await postOrder(gateway, '?delay=300')).status).toBe(201);
      expect((await postOrder(gateway, '?fail=bogus')).status).toBe(400);

      const verified = (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.name === 'password.verify');
      const slowSelect = (spans: readonly ReceivedSpan[]) =>
        spans.find((s) => s.service === 'users' && s.name.startsWith('pg.query:SELECT') && durationMs(s) >= 300);
      await receiver.waitFor((spans) => verified(spans).length === 2 && slowSelect(spans) !== undefined, 30_000);
      expect(
        verified(receiver.spans)
          .map((s) => s.attributes['auth.result'])
          .sort(),
      ).toEqual(['invalid_credentials', 'success']);
      // A 401 is the caller's mistake: no server span is an error. The gateway's CLIENT span is, as the HTTP
      // semantic conventions say for a 4xx answer to a client, so error keeping keeps such traces.
      const errors = receiver.spans.filter((s) => s.status.code === 'ERROR');
      expect(errors.map((s) => [s.service, s.kind, s.attributes['http.response.status_code']])).toEqual([
        ['api-gateway', 'CLIENT', 401],
      ]);
      const sessionSet = receiver.spans.find((s) => s.service === 'users' && s.name.toLowerCase().includes('set'));
      expect(JSON.stringify(sessionSet?.attributes)).not.toContain('demo-password');
      expect(durationMs(slowSelect(receiver.spans) as ReceivedSpan)).toBeLessThan(5_000);
    });
  });

  describe('with no collector', () => {
    beforeAll(async () => {
      // The demo prints traces itself only when no collector answers at the default endpoint.
      const listening = await new Promise<boolean>((resolve) => {
        const socket = connect(4318, 'localhost', () => resolve(true)).once('error', () => resolve(false));
        socket.unref();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
      if (listening) throw new Error('something listens on localhost:4318; stop it');
    });

    // The order of the test below as the demo prints it: one block, one tree, all five services. The lines drawn
    // here are checked, in this order; the block also holds the gateway's CLIENT spans and pg-pool's.
    //
    //   trace <trace id>
    //   api-gateway  POST /orders  N ms
    //   ├── ... users  GET /users/:id  N ms
    //   │       └── ... users  pg.query:SELECT DB  N ms
    //   └── ... orders  POST /orders  N ms
    //           └── orders  order.place  N ms
    //               ├── orders  pg.query:INSERT DB  N ms
    //               └── orders  publish EXCHANGE  N ms
    //                   └── payment-worker  EXCHANGE.payment process  N ms
    //                       ├── payment-worker  payment.charge  N ms  ✗ order N rejected by risk: score 0.99
    //                       └── payment-worker  publish EXCHANGE  N ms
    //                           └── orders  EXCHANGE.order-status process  N ms
    //                               └── orders  order.finish  N ms
    //                                   ├── orders  pg.query:UPDATE DB  N ms
    //                                   └── ... notification  POST /notifications  N ms
    //                                           └── ... notification  notification.send  N ms
    const ORDER_LINES = [
      'api-gateway  POST /orders',
      'users  GET /users/:id',
      'users  pg.query:SELECT DB',
      'orders  POST /orders',
      'orders  order.place',
      'orders  pg.query:INSERT DB',
      'orders  publish EXCHANGE',
      'payment-worker  EXCHANGE.payment process',
      'payment-worker  payment.charge  ✗ order N rejected by risk: score 0.99',
      'payment-worker  publish EXCHANGE',
      'orders  EXCHANGE.order-status process',
      'orders  order.finish',
      'orders  pg.query:UPDATE DB',
      'notification  POST /notifications',
      'notification  notification.send',
    ];
    const SPAN_LINE = /^(?:[│ ] {3}|[├└]── )*[a-z-]+ {2}\S.* {2}\d+\.\d ms(?: {2}✗ .+)?$/;

    /** The traces in the demo's output: each from its `trace <id>` line to the empty line that ends it. */
    function printedTraces(stdout: string): { traceId: string; header: string; lines: string[] }[] {
      const traces: { traceId: string; header: string; lines: string[] }[] = [];
      let current: { traceId: string; header: string; lines: string[] } | undefined;
      for (const line of stdout.split('\n')) {
        const header = /^trace ([0-9a-f]{32})\b/.exec(line);
        if (header) traces.push((current = { traceId: header[1], header: line, lines: [] }));
        else if (line === '') current = undefined;
        else current?.lines.push(line);
      }
      return traces;
    }

    function normalized(line: string): string {
      return line
        .replace(/^(?:[│ ] {3}|[├└]── )*/, '')
        .replace(/ {2}\d+\.\d ms/, '')
        .replace(/otb\.demo\.test\.\d+\.\d+/g, 'EXCHANGE')
        .replace(/^(\S+ {2}pg\.query:[A-Z]+) \S+$/, '$1 DB')
        .replace(/order \d+ rejected/, 'order N rejected');
    }

    it('prints each trace whole, once: an order across five services is one tree in one block', async () => {
      // The load generator runs too, so the order's spans arrive among those of other traces.
      const { demo, gateway } = await startReadyDemo(running, { DEMO_LOAD: 'true' });
      const response = await postOrder(gateway, '?fail=payment');
      expect(response.status).toBe(201);
      const traceId = response.headers.get('traceresponse')?.split('-')[1];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      await demo.waitForLine(new RegExp(`^trace ${traceId}.*\\n(?:.+\\n)+\\n`, 'm'), 30_000);
      // Time for any span that came late to be printed again, which it must not be.
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const traces = printedTraces(demo.stdout);
      const printed = traces.find((t) => t.traceId === traceId)?.lines ?? [];
      console.log(`the order, as the demo printed it:\n${printed.join('\n')}`);
      expect(traces.map((t) => t.traceId)).toEqual([...new Set(traces.map((t) => t.traceId))]);
      for (const { traceId: id, header, lines } of traces) {
        // Nothing but spans inside a block, and one root (unless the header says it never came): no other output,
        // no piece of another trace.
        expect([id, lines.filter((line) => !SPAN_LINE.test(line))]).toEqual([id, []]);
        if (header.includes('root span never arrived')) continue;
        expect([id, lines.filter((line) => !/^[│├└ ]/.test(line)).length]).toEqual([id, 1]);
      }
      const order = printed.map(normalized);
      expect(order.filter((line) => ORDER_LINES.includes(line))).toEqual(ORDER_LINES);
    });
  });
});
