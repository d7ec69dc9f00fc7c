// `npm run demo`: the services of the compose demo as local processes, with no Docker. They use PostgreSQL, Redis
// and RabbitMQ at DATABASE_URL, REDIS_URL and AMQP_URL (localhost by default). Each traced service runs under
// `node --require @org/otel-bootstrap`; with no collector at localhost:4318, each prints its finished traces as
// trees, prefixed with its name. Start Jaeger (`docker compose up -d jaeger`) and they go there instead.
//
// DEMO_PORT (8080) is the gateway's port; the others follow it. DEMO_LOAD=false leaves the load generator out.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const SERVICES = [
  { name: 'users', offset: 1, traced: true },
  { name: 'orders', offset: 2, traced: true },
  { name: 'payment-worker', offset: 3, traced: true },
  { name: 'notification', offset: 4, traced: true },
  { name: 'api-gateway', offset: 0, traced: true },
  { name: 'load-generator', offset: 5, traced: false },
];
const STARTUP_TIMEOUT_MS = 60_000;

function readOptions(env) {
  let basePort = Number(env.DEMO_PORT ?? 8080);
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_530) {
    console.warn(`DEMO_PORT="${env.DEMO_PORT}" is invalid: expected a port from 1 to 65530; using 8080.`);
    basePort = 8080;
  }
  const load = (env.DEMO_LOAD ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(load))
    console.warn(`DEMO_LOAD="${env.DEMO_LOAD}" is invalid: expected true or false; using true.`);
  return { basePort, withLoad: load !== 'false' };
}

function serviceEnv(service, basePort) {
  const url = (offset) => `http://localhost:${basePort + offset}`;
  return {
    // Health polls are not worth a trace, and a terminal wants traces within a second, not five.
    OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health=0',
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    ...process.env,
    OTEL_SERVICE_NAME: service.name,
    PORT: String(basePort + service.offset),
    GATEWAY_URL: url(0),
    USERS_URL: url(1),
    ORDERS_URL: url(2),
    NOTIFICATION_URL: url(4),
  };
}

function start(service, basePort) {
  const script = path.join(__dirname, `${service.name}.js`);
  const args = service.traced ? ['--require', '@org/otel-bootstrap', script] : [script];
  const child = spawn(process.execPath, args, {
    cwd: path.join(__dirname, '..'),
    env: serviceEnv(service, basePort),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`[${service.name}] ${line}`));
  }
  return child;
}

async function waitForHealth(service, basePort, deadline) {
  const url = `http://localhost:${basePort + service.offset}/health`;
  while (Date.now() < deadline) {
    const healthy = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not answer ${url} within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

async function main() {
  const { basePort, withLoad } = readOptions(process.env);
  const children = new Map();
  let stopping = false;
  const stop = (code) => {
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 1500).unref();
    Promise.all(
      [...children.values()].map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))),
    ).then(() => process.exit(code));
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  const services = SERVICES.filter((s) => s.traced || withLoad);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (const service of services.filter((s) => s.traced)) {
    const child = start(service, basePort);
    children.set(service.name, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`demo: ${service.name} stopped (${signal ?? `exit ${code}`}); stopping the others`);
      stop(1);
    });
  }
  const waiting = new Set(services.filter((s) => s.traced).map((s) => s.name));
  const progress = setInterval(() => console.log(`demo: waiting for ${[...waiting].join(', ')}`), 5000);
  try {
    await Promise.all(
      services
        .filter((s) => s.traced)
        .map((s) => waitForHealth(s, basePort, deadline).then(() => waiting.delete(s.name))),
    );
  } catch (error) {
    console.error(`demo: ${error.message}`);
    return stop(1);
  } finally {
    clearInterval(progress);
  }
  console.log(banner(basePort));
  const load = services.find((s) => !s.traced);
  if (load) children.set(load.name, start(load, basePort));
}

function banner(basePort) {
  const gateway = `http://localhost:${basePort}`;
  return [
    `demo ready: the gateway is ${gateway}`,
    `  curl -X POST ${gateway}/orders -H 'content-type: application/json' -d '{"userId":1,"amount":42}'`,
    `  add ?delay=1500 for a slow request, ?fail=payment (users, orders, notification) for a failing one`,
    '  traces: in Jaeger at http://localhost:16686 when it runs, otherwise printed here as trees',
  ].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
