// W3: RabbitMQ publish and consume. GET /item/:id publishes a message and answers once this process's consumer has
// received and acked it, so every request is one publish and one consume. Prints "listening <port>" when ready.
const http = require('node:http');
const amqp = require('amqplib');

async function main() {
  const connection = await amqp.connect(process.env.AMQP_URL);
  const channel = await connection.createChannel();
  const queue = `bench.${process.pid}`;
  await channel.assertQueue(queue, { exclusive: true });
  const waiting = new Map();
  let next = 0;
  await channel.consume(queue, (msg) => {
    channel.ack(msg);
    const id = msg.properties.correlationId;
    waiting.get(id)?.();
    waiting.delete(id);
  });
  const server = http.createServer((req, res) => {
    const id = String(next++);
    waiting.set(id, () => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":${id}}`));
    channel.sendToQueue(queue, Buffer.from(req.url), { correlationId: id });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
