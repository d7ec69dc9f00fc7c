// Notifications over HTTP: POST /notifications sends (pretends to send) an email about an order's outcome.
// ?fail=notification makes the mail provider unavailable: 503.
const fastify = require('fastify');
const { traced } = require('@org/otel-bootstrap/api');
const { settings } = require('./lib/settings');

const ROUTES = ['POST /notifications', 'GET /health'];

function createApp() {
  const app = fastify();
  app.get('/health', async () => ({ status: 'ok' }));
  app.post('/notifications', async (req, reply) => {
    const { orderId, status } = req.body ?? {};
    if (req.query.fail === 'notification') {
      return reply.code(503).send({ error: 'mail provider unavailable' });
    }
    await traced(
      'notification.send',
      async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
        span.addEvent('email_sent', { 'order.id': orderId });
      },
      { 'notification.channel': 'email', 'order.id': orderId, 'order.status': status },
    );
    return reply.code(202).send({ sent: true });
  });
  return app;
}

if (require.main === module) {
  createApp()
    .listen({ port: settings.port, host: '0.0.0.0' })
    .then(() => console.log(`notification listening on ${settings.port}`))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { ROUTES, createApp };
