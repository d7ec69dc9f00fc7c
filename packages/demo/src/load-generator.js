// A steady mix of normal, slow and failing requests against the gateway, so Jaeger has traces to show the moment
// it opens. It is not traced itself: like a browser, it leaves the gateway to start each trace.
// Prints a summary every 10 s, and serves it on GET /health.
const { settings } = require('./lib/settings');
const { serveHealth } = require('./lib/health');
const { DEMO_PASSWORD, DEMO_USERS } = require('./lib/demo-users');
const { LOAD_USER_AGENT } = require('./lib/load-user-agent');

const someUser = () => 1 + Math.floor(Math.random() * DEMO_USERS.length);
const someAmount = () => Math.round(10 + Math.random() * 490);

/** [weight, kind, path, body]: the scenarios of docs/jaeger.md, in rough production proportions. */
const MIX = [
  [50, 'order', '/orders', () => ({ userId: someUser(), amount: someAmount() })],
  [8, 'slow order', '/orders?delay=1200', () => ({ userId: someUser(), amount: someAmount() })],
  [4, 'order rejected by risk', '/orders', () => ({ userId: someUser(), amount: 9000 })],
  [3, 'order failing in payment', '/orders?fail=payment', () => ({ userId: someUser(), amount: someAmount() })],
  [3, 'order failing in users', '/orders?fail=users', () => ({ userId: someUser(), amount: someAmount() })],
  [3, 'order failing in orders', '/orders?fail=orders', () => ({ userId: someUser(), amount: someAmount() })],
  [3, 'order failing in notification', '/orders?fail=notification', () => ({ userId: 1, amount: someAmount() })],
  [20, 'login', '/login', () => ({ email: DEMO_USERS[someUser() - 1][0], password: DEMO_PASSWORD })],
  [6, 'login with a wrong password', '/login', () => ({ email: DEMO_USERS[0][0], password: 'guess' })],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);

function pick() {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const entry of MIX) {
    roll -= entry[0];
    if (roll < 0) return entry;
  }
  return MIX[0];
}

const counts = { sent: 0, answered: {}, unreachable: 0 };

async function send([, kind, path, body]) {
  counts.sent++;
  try {
    const response = await fetch(`${settings.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': LOAD_USER_AGENT },
      body: JSON.stringify(body()),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    counts.answered[response.status] = (counts.answered[response.status] ?? 0) + 1;
  } catch (error) {
    counts.unreachable++;
    if (counts.unreachable === 1) console.error(`${kind}: the gateway did not answer (${error.message})`);
  }
}

function summary() {
  const answered = Object.entries(counts.answered)
    .map(([status, n]) => `${n}×${status}`)
    .join(' ');
  return `sent ${counts.sent}; answered ${answered || 'none'}; unreachable ${counts.unreachable}`;
}

async function main() {
  await serveHealth(settings.port, () => ({ status: 'ok', ...counts }));
  process.on('SIGTERM', () => process.exit(0)); // it runs as PID 1 in its container, which ignores SIGTERM otherwise
  console.log(`load-generator: ${settings.loadRate} requests/s against ${settings.gatewayUrl}`);
  setInterval(() => console.log(`load-generator: ${summary()}`), 10_000).unref();
  const interval = 1000 / settings.loadRate;
  for (;;) {
    void send(pick());
    await new Promise((resolve) => setTimeout(resolve, interval * (0.5 + Math.random())));
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { MIX };
