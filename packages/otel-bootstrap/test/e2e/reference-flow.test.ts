import {
  buildTrees,
  describeWithServices,
  hideExpressLayers,
  renderTrees,
  serviceUrl,
  treeShape,
  useReceiver,
} from '@org/otel-testing';
import type { ReceivedSpan, TestReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

/** Starts the six services of the order flow, each its own process, and returns the gateway's URL. */
async function startFlow(receiver: TestReceiver, queuePrefix: string): Promise<string> {
  const start = async (role: string, env: Record<string, string> = {}) => {
    const service = await receiver.startService(
      fixture('flow-service.js'),
      { QUEUE_PREFIX: queuePrefix, ROLE: role, OTEL_SERVICE_NAME: role, ...env },
      { ready: /ready (\d+)/ },
    );
    return service.url;
  };
  const notification = await start('notification');
  await start('notify', { NOTIFICATION_URL: notification });
  await start('payment');
  const orders = await start('orders');
  const users = await start('users');
  return start('gateway', { USERS_URL: users, ORDERS_URL: orders });
}

describeWithServices(['postgres', 'redis', 'rabbitmq'])('the reference order flow across six services', () => {
  const receiver = useReceiver({
    scope: 'test',
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      PG_URL: serviceUrl('postgres'),
      REDIS_URL: serviceUrl('redis'),
      AMQP_URL: serviceUrl('rabbitmq'),
    },
  });

  it('is exactly one trace, gateway to notification', async () => {
    const gateway = await startFlow(receiver, `otb.flow.ok.${process.pid}`);
    const response = await fetch(`${gateway}/orders`, { method: 'POST' });
    expect(response.status).toBe(201);
    // Seventeen spans in six processes, exported in separate batches: wait for every one of them.
    await receiver.waitFor((spans) => spans.filter((s) => !hideExpressLayers(s)).length >= 17);

    console.log(`order flow:\n${renderTrees(buildTrees(receiver.spans, hideExpressLayers))}`);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    expect(treeShape(receiver.spans, hideExpressLayers).replace(/otb\.flow\.ok\.\d+\./g, '')).toBe(
      [
        'gateway: POST /orders [SERVER]',
        '├── gateway: GET [CLIENT]',
        '│   └── users: GET /users/:id [SERVER]',
        '│       ├── users: pg-pool.connect [CLIENT]',
        '│       └── users: pg.query:SELECT test [CLIENT]',
        '└── gateway: POST [CLIENT]',
        '    └── orders: POST /orders [SERVER]',
        '        ├── orders: pg-pool.connect [CLIENT]',
        '        ├── orders: pg.query:INSERT test [CLIENT]',
        '        ├── orders: set [CLIENT]',
        '        └── orders: publish <default> [PRODUCER]',
        '            └── payment: order.created process [CONSUMER]',
        '                ├── payment: charge-payment [INTERNAL]',
        '                └── payment: publish <default> [PRODUCER]',
        '                    └── notify: order.confirmed process [CONSUMER]',
        '                        └── notify: POST [CLIENT]',
        '                            └── notification: POST /notify [SERVER]',
      ].join('\n'),
    );
    expect(receiver.spans.filter((s) => s.status.code === 'ERROR')).toEqual([]);
  });

  it('shows an injected worker failure on the worker span, in the same single trace', async () => {
    const gateway = await startFlow(receiver, `otb.flow.fail.${process.pid}`);
    const response = await fetch(`${gateway}/orders?fail=payment`, { method: 'POST' });
    expect(response.status).toBe(201); // the order was accepted; payment fails later, asynchronously
    const ended = (spans: readonly ReceivedSpan[], service: string, kind: string) =>
      spans.some((s) => s.service === service && s.kind === kind);
    await receiver.waitFor((spans) => ended(spans, 'payment', 'CONSUMER') && ended(spans, 'gateway', 'SERVER'));

    console.log(`order flow, payment failing:\n${renderTrees(buildTrees(receiver.spans, hideExpressLayers))}`);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    const errors = receiver.spans.filter((s) => s.status.code === 'ERROR');
    const byKind = (a: ReceivedSpan, b: ReceivedSpan) => a.kind.localeCompare(b.kind);
    expect(errors.sort(byKind).map((s) => [s.service, s.kind, s.status.message])).toEqual([
      ['payment', 'CONSUMER', 'nack called on message without requeue'],
      ['payment', 'INTERNAL', expect.stringMatching(/^card declined for order \d+$/)],
    ]);
    const charge = errors.find((s) => s.name === 'charge-payment');
    expect(charge?.events.map((e) => e.attributes['exception.message'])).toEqual([charge?.status.message]);
    expect(receiver.spans.some((s) => s.service === 'notify' || s.service === 'notification')).toBe(false);
  });
});
