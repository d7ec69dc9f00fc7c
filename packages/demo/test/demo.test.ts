import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import {
  buildTrees,
  describeWithServices,
  hideExpressLayers,
  OtlpReceiver,
  renderTrees,
  serviceUrl,
  startFixture,
  treeShape,
} from '@org/otel-testing';
import type { ReceivedSpan, RunningFixture } from '@org/otel-testing';

// `npm run demo` as a test: src/run-local.js starts the five traced services as real `node --require
// @org/otel-bootstrap` processes against the real PostgreSQL, Redis and RabbitMQ; the test drives one order.

const RUN_LOCAL = join(__dirname, '../src/run-local.js');

/** A base port with the five after it free too: the demo's services take base .. base+5. */
async function freePortRange(): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

async function startDemo(running: RunningFixture[], env: Record<string, string>): Promise<string> {
  const port = await freePortRange();
  const demo = startFixture({
    script: RUN_LOCAL,
    mode: 'none',
    env: {
      DEMO_PORT: String(port),
      DEMO_LOAD: 'false',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      DATABASE_URL: serviceUrl('postgres'),
      REDIS_URL: serviceUrl('redis'),
      AMQP_URL: serviceUrl('rabbitmq'),
      // An exchange and queues of its own, so a demo running on this machine never takes this test's messages.
      AMQP_EXCHANGE: `otb.demo.test.${process.pid}.${port}`,
      ...env,
    },
  });
  running.push(demo);
  await demo.waitForLine(/demo ready/, 60_000);
  return `http://127.0.0.1:${port}`;
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
      const gateway = await startDemo(running, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
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
      const gateway = await startDemo(running, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
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
      // semantic conventions say for a 4xx answer to a client, so error-aware sampling keeps such traces.
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
      // The fallback is for the default endpoint; this test needs nothing listening there.
      const listening = await new Promise<boolean>((resolve) => {
        const socket = connect(4318, 'localhost', () => resolve(true)).once('error', () => resolve(false));
        socket.unref();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
      if (listening) throw new Error('something listens on localhost:4318; stop it');
    });

    it('prints each service part of the trace as a tree, with the risk rejection marked', async () => {
      const gateway = await startDemo(running, {});
      const demo = running[0];
      expect((await postOrder(gateway, '?fail=payment')).status).toBe(201);
      // The last line of the last tree (the second visit to orders), so every tree before it is complete.
      await demo.waitForLine(/\[orders\] {5}└── orders {2}POST .*/, 30_000);
      const lines = demo.stdout.split('\n');
      const printed = (service: string) =>
        lines
          .filter((line) => line.startsWith(`[${service}] `))
          .map((line) => line.slice(service.length + 3).replace(/\d+\.\d ms/g, 'N ms'))
          .filter((line) => !line.startsWith('trace ') && / {2}/.test(line));
      console.log(`demo, terminal:\n${lines.filter((l) => /\[[a-z-]+\] .* ms/.test(l)).join('\n')}`);
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^\[api-gateway\] \[otel-bootstrap\] warn: no OTLP collector answers at http:\/\/localhost:4318/,
        ),
      );
      expect(printed('payment-worker')).toEqual([
        expect.stringMatching(/^payment-worker {2}\S+\.payment process {2}N ms$/),
        expect.stringMatching(
          /^├── payment-worker {2}payment\.charge {2}N ms {2}✗ order \d+ rejected by risk: score 0\.99$/,
        ),
        expect.stringMatching(/^└── payment-worker {2}publish \S+ {2}N ms$/),
      ]);
      // The order passes through orders twice: the request, then the payment outcome over RabbitMQ. Each visit is
      // printed under its own root.
      const orders = printed('orders');
      expect(orders).toEqual(
        expect.arrayContaining([
          'orders  POST /orders  N ms',
          '    └── orders  order.place  N ms',
          expect.stringMatching(/^ {8}├── orders {2}pg\.query:INSERT \w+ {2}N ms$/),
        ]),
      );
      const outcome = orders.findIndex((line) => /^orders {2}\S+\.order-status process {2}N ms$/.test(line));
      expect(orders.slice(outcome + 1, outcome + 6)).toEqual([
        '└── orders  order.finish  N ms',
        '    ├── orders  pg-pool.connect  N ms',
        expect.stringMatching(/^ {4}├── orders {2}pg\.query:UPDATE \w+ {2}N ms$/),
        '    ├── orders  del  N ms',
        '    └── orders  POST  N ms',
      ]);
    });
  });
});
