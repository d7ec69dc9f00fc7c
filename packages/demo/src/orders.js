// Orders, on PostgreSQL, Redis (ioredis) and RabbitMQ:
//   POST /orders        the order.place span: INSERT the order, cache it, publish order.created
//   order.confirmed /   the payment outcome: UPDATE the order, drop the cache entry, POST notification
//   order.rejected
// ?fail=orders makes the INSERT break the table's CHECK constraint, so PostgreSQL itself fails it.
// Business metrics: demo.orders.placed per stored order, demo.orders.failed per order not stored or rejected.
const express = require('express');
const Redis = require('ioredis');
const { Pool } = require('pg');
const { traced } = require('@org/otel-bootstrap/api');
const { settings } = require('./lib/settings');
const { EVENTS, QUEUES, openChannel, publish } = require('./lib/broker');
const { callJson, knobsQuery } = require('./lib/http-client');
const { untraced, untracedWithRetry } = require('./lib/untraced');
const { ERROR_TYPES, businessMetrics } = require('./lib/business-metrics');

const ROUTES = ['POST /orders', 'GET /health'];

async function prepare(pg) {
  await pg.query(
    'CREATE TABLE IF NOT EXISTS demo_orders (id serial PRIMARY KEY, user_id int NOT NULL, ' +
      "amount numeric(12, 2) NOT NULL CHECK (amount > 0), status text NOT NULL DEFAULT 'pending', " +
      'created_at timestamptz NOT NULL DEFAULT now())',
  );
}

function placeOrder({ pg, redis, channel }, { userId, amount, fail }) {
  return traced('order.place', async (span) => {
    span.setAttributes({ 'order.amount': amount, 'user.id': userId });
    const stored = fail === 'orders' ? -amount : amount;
    const { rows } = await pg.query('INSERT INTO demo_orders (user_id, amount) VALUES ($1, $2) RETURNING id', [
      userId,
      stored,
    ]);
    const order = { id: rows[0].id, userId, amount, status: 'pending' };
    span.setAttribute('order.id', order.id);
    await redis.set(`order:${order.id}`, JSON.stringify(order), 'EX', 3600);
    publish(channel, EVENTS.created, { ...order, fail });
    span.addEvent('event_published', { 'event.name': EVENTS.created, 'order.id': order.id });
    return order;
  });
}

/** The payment outcome: runs inside the RabbitMQ consumer span, so it joins the order's trace. */
function finishOrder({ pg, redis }, event, order) {
  const status = event === EVENTS.confirmed ? 'confirmed' : 'rejected';
  return traced(
    'order.finish',
    async () => {
      if (status === 'rejected') businessMetrics.orderFailed(ERROR_TYPES.paymentRejected);
      await pg.query('UPDATE demo_orders SET status = $2 WHERE id = $1', [order.id, status]);
      await redis.del(`order:${order.id}`);
      await callJson('notification', `${settings.notificationUrl}/notifications${knobsQuery({ fail: order.fail })}`, {
        method: 'POST',
        body: { orderId: order.id, userId: order.userId, status },
      });
    },
    { 'order.id': order.id, 'order.status': status },
  );
}

function createApp(deps) {
  const app = express().use(express.json());
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  app.post('/orders', async (req, res) => {
    const userId = Number(req.body?.userId);
    const amount = Number(req.body?.amount);
    if (!Number.isInteger(userId) || !(amount > 0)) {
      return res.status(400).json({ error: 'userId must be a whole number and amount a positive number' });
    }
    try {
      const order = await placeOrder(deps, { userId, amount, fail: req.query.fail });
      businessMetrics.orderPlaced();
      res.status(201).json(order);
    } catch (error) {
      businessMetrics.orderFailed(ERROR_TYPES.notStored);
      res.status(500).json({ error: error.message });
    }
  });
  return app;
}

async function consumeOutcomes(deps) {
  const { channel } = deps;
  await untraced(() =>
    channel.consume(QUEUES.orderStatus.name, async (message) => {
      // null: the broker cancelled the consumer (the queue was deleted); there is nothing to settle.
      if (!message) return;
      try {
        await finishOrder(deps, message.fields.routingKey, JSON.parse(message.content.toString()));
      } catch (error) {
        // Recorded on the order.finish span; the order is settled either way, so the message is not redelivered.
        console.error(`order outcome not fully handled: ${error.message}`);
      }
      channel.ack(message);
    }),
  );
}

async function main() {
  const pg = new Pool({ connectionString: settings.databaseUrl });
  await untracedWithRetry('PostgreSQL', () => prepare(pg));
  const redis = new Redis(settings.redisUrl, { lazyConnect: true });
  redis.on('error', (error) => console.error(`Redis: ${error.message}`));
  await untracedWithRetry('Redis', () => redis.connect());
  const { channel } = await openChannel();
  const deps = { pg, redis, channel };
  await consumeOutcomes(deps);
  createApp(deps).listen(settings.port, () => console.log(`orders listening on ${settings.port}`));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { ROUTES, createApp };
