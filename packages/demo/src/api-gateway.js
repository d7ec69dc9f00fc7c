// The edge of the demo, and the root of every trace:
//   POST /orders  GET users /users/:id, then POST orders /orders; the rest of the order happens over RabbitMQ
//   POST /login   POST users /sessions
// Knobs: ?delay=ms (a slow users lookup) and ?fail=users|orders|payment|notification.
const express = require('express');
const { settings } = require('./lib/settings');
const { callJson, knobsQuery, UpstreamError } = require('./lib/http-client');
const { readKnobs } = require('./lib/knobs');

const ROUTES = ['POST /orders', 'POST /login', 'GET /health'];

function createApp() {
  const app = express().use(express.json());
  app.get('/health', (req, res) => res.json({ status: 'ok' }));

  app.post('/orders', async (req, res) => {
    const knobs = readKnobs(req.query);
    if (knobs.error) return res.status(400).json({ error: knobs.error });
    const { userId = 1, amount = 42 } = req.body ?? {};
    try {
      const user = await callJson('users', `${settings.usersUrl}/users/${Number(userId)}${knobsQuery(knobs)}`);
      const order = await callJson('orders', `${settings.ordersUrl}/orders${knobsQuery(knobs)}`, {
        method: 'POST',
        body: { userId: user.id, amount },
      });
      res.status(201).json(order);
    } catch (error) {
      answerUpstreamError(res, error);
    }
  });

  app.post('/login', async (req, res) => {
    const knobs = readKnobs(req.query);
    if (knobs.error) return res.status(400).json({ error: knobs.error });
    const { email, password } = req.body ?? {};
    try {
      const session = await callJson('users', `${settings.usersUrl}/sessions${knobsQuery(knobs)}`, {
        method: 'POST',
        body: { email, password },
      });
      res.json(session);
    } catch (error) {
      answerUpstreamError(res, error);
    }
  });
  return app;
}

/** A caller's mistake (4xx) passes through; anything else is the gateway's 502. */
function answerUpstreamError(res, error) {
  const status = error instanceof UpstreamError && error.status < 500 ? error.status : 502;
  res.status(status).json({ error: error.message });
}

if (require.main === module) {
  createApp().listen(settings.port, () => console.log(`api-gateway listening on ${settings.port}`));
}

module.exports = { ROUTES, createApp };
