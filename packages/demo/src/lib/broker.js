// The order events: one topic exchange; the payment worker listens for order.created, the orders service for the
// payment outcome. amqplib is instrumented, so the trace context travels in each message's headers.
const amqplib = require('amqplib');
const { settings } = require('./settings');
const { untracedWithRetry } = require('./untraced');

const EVENTS = {
  created: 'order.created',
  confirmed: 'order.confirmed',
  rejected: 'order.rejected',
};

const QUEUES = {
  payment: { name: `${settings.exchange}.payment`, events: [EVENTS.created] },
  orderStatus: { name: `${settings.exchange}.order-status`, events: [EVENTS.confirmed, EVENTS.rejected] },
};

/** A channel with the exchange and both queues declared, so a message published before its consumer starts waits. */
async function openChannel() {
  return untracedWithRetry('RabbitMQ', async () => {
    const connection = await amqplib.connect(settings.amqpUrl);
    connection.on('error', (error) => console.error(`RabbitMQ connection: ${error.message}`));
    const channel = await connection.createChannel();
    await channel.assertExchange(settings.exchange, 'topic', { durable: false });
    for (const queue of Object.values(QUEUES)) {
      // Not durable and deleted with their last consumer: a demo leaves nothing behind in the broker.
      await channel.assertQueue(queue.name, { durable: false, autoDelete: true });
      for (const event of queue.events) await channel.bindQueue(queue.name, settings.exchange, event);
    }
    await channel.prefetch(10);
    return { connection, channel };
  });
}

function publish(channel, event, body) {
  channel.publish(settings.exchange, event, Buffer.from(JSON.stringify(body)), { contentType: 'application/json' });
}

module.exports = { EVENTS, QUEUES, openChannel, publish };
