// `npm run demo`: the services of the compose demo as local processes, with no Docker. They use PostgreSQL, Redis
// and RabbitMQ at DATABASE_URL, REDIS_URL and AMQP_URL (localhost by default). Each traced service runs under
// `node --require @org/otel-bootstrap`. Where the traces go is decided once, at start:
//   - OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT, or OTEL_TRACES_EXPORTER) set: where they say;
//   - a collector answers at localhost:4318 (`docker compose up -d jaeger`): there;
//   - otherwise to this process, which prints each trace whole, once (lib/trace-printer.js).
//
// DEMO_PORT (8080) is the gateway's port; the others follow it. DEMO_LOAD=false leaves the load generator out.
// SIGINT or SIGTERM stops every service, then this process, by that signal. Services also stop if this process dies
// in any other way (lib/exit-with-parent.js).
const { spawn } = require('node:child_process');
const { connect } = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { TracePrinter } = require('./lib/trace-printer');

const SERVICES = [
  { name: 'users', offset: 1, traced: true },
  { name: 'orders', offset: 2, traced: true },
  { name: 'payment-worker', offset: 3, traced: true },
  { name: 'notification', offset: 4, traced: true },
  { name: 'api-gateway', offset: 0, traced: true },
  { name: 'load-generator', offset: 5, traced: false },
];
const STARTUP_TIMEOUT_MS = 60_000;
/** How long the services get to flush and exit after SIGTERM before they are killed. */
const STOP_GRACE_MS = 3_000;
const DEFAULT_COLLECTOR = 'http://localhost:4318';
/** A terminal wants traces within a second or two, not five: the services' batch delay unless OTEL_* says else. */
const BATCH_DELAY_MS = 1_000;
const EXIT_WITH_PARENT = path.join(__dirname, 'lib', 'exit-with-parent.js');

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

/** Where the traces go: `exportEnv` for the services, and `printer` when they come here. */
async function traceDestination(env) {
  const chosen = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_TRACES_EXPORTER'];
  if (chosen.some((key) => env[key])) return { exportEnv: {}, where: 'where your OTEL_* settings send them' };
  if (await answers(DEFAULT_COLLECTOR)) {
    return { exportEnv: {}, where: `to the collector at ${DEFAULT_COLLECTOR} (Jaeger: http://localhost:16686)` };
  }
  // Two pieces of one trace arrive at most about one batch delay apart; a second more is the margin. A delay the
  // bootstrap rejects is its default, 5000.
  const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY ?? BATCH_DELAY_MS);
  const printer = new TracePrinter({ quietMs: (Number.isFinite(delay) && delay >= 0 ? delay : 5_000) + 1_000 });
  const url = await printer.start();
  // The printer takes traces only (POST /v1/traces): metrics and logs sent to it would fail on every export, so
  // the services keep theirs (the standard `none` exporter).
  const exportEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  return { exportEnv, printer, where: 'here, each one whole once it ends' };
}

/** Whether something accepts a TCP connection at the URL's host and port. */
function answers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}

function serviceEnv(service, basePort, exportEnv) {
  const url = (offset) => `http://localhost:${basePort + offset}`;
  return {
    // Health polls are not worth a trace.
    OTEL_BOOTSTRAP_SAMPLING_RULES: 'GET /health=0',
    OTEL_BSP_SCHEDULE_DELAY: String(BATCH_DELAY_MS),
    // The demo's callers are you: answer with the trace id (off by default in apps, see docs/configuration.md).
    OTEL_BOOTSTRAP_TRACERESPONSE: 'true',
    ...process.env,
    ...exportEnv,
    OTEL_SERVICE_NAME: service.name,
    PORT: String(basePort + service.offset),
    GATEWAY_URL: url(0),
    USERS_URL: url(1),
    ORDERS_URL: url(2),
    NOTIFICATION_URL: url(4),
  };
}

function start(service, basePort, exportEnv) {
  const script = path.join(__dirname, `${service.name}.js`);
  const preload = service.traced ? ['--require', '@org/otel-bootstrap'] : [];
  const child = spawn(process.execPath, ['--require', EXIT_WITH_PARENT, ...preload, script], {
    cwd: path.join(__dirname, '..'),
    env: serviceEnv(service, basePort, exportEnv),
    // stdin is a pipe we never write to: it closes when we end, however we end, and the service then stops.
    stdio: ['pipe', 'pipe', 'pipe'],
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

/** Stops every service, then ends this process by `signal` (as a shell expects) or with `code`. */
function createStop(children, demo) {
  const running = () => [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = (child) =>
    new Promise((resolve) => (running().includes(child) ? child.once('exit', resolve) : resolve()));
  return async ({ signal, code = 0 }) => {
    if (demo.stopping) {
      // Asked again while stopping (a second Ctrl-C): no more waiting.
      for (const child of running()) child.kill('SIGKILL');
      return;
    }
    demo.stopping = true;
    demo.printer?.mute();
    if (signal) console.error(`demo: ${signal}, stopping the services`);
    for (const child of running()) child.kill('SIGTERM');
    const all = Promise.all([...children.values()].map(exited));
    const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    if ((await Promise.race([all.then(() => 'all'), grace])) !== 'all') {
      for (const child of running()) child.kill('SIGKILL');
      await all;
    }
    await demo.printer?.stop();
    if (!signal) process.exit(code);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
}

async function main() {
  const { basePort, withLoad } = readOptions(process.env);
  const children = new Map();
  const demo = { stopping: false, printer: undefined };
  const stop = createStop(children, demo);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop({ signal }));

  const { exportEnv, printer, where } = await traceDestination(process.env);
  demo.printer = printer;
  const services = SERVICES.filter((s) => s.traced || withLoad);
  const traced = services.filter((s) => s.traced);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (const service of traced) {
    if (demo.stopping) return;
    const child = start(service, basePort, exportEnv);
    children.set(service.name, child);
    child.once('exit', (code, signal) => {
      if (demo.stopping) return;
      console.error(`demo: ${service.name} stopped (${signal ?? `exit ${code}`}); stopping the others`);
      void stop({ code: 1 });
    });
  }
  const waiting = new Set(traced.map((s) => s.name));
  const progress = setInterval(() => console.log(`demo: waiting for ${[...waiting].join(', ')}`), 5000);
  try {
    await Promise.all(traced.map((s) => waitForHealth(s, basePort, deadline).then(() => waiting.delete(s.name))));
  } catch (error) {
    console.error(`demo: ${error.message}`);
    return stop({ code: 1 });
  } finally {
    clearInterval(progress);
  }
  if (demo.stopping) return;
  console.log(banner(basePort, where));
  const load = services.find((s) => !s.traced);
  if (load) children.set(load.name, start(load, basePort, exportEnv));
}

function banner(basePort, where) {
  const gateway = `http://localhost:${basePort}`;
  return [
    `demo ready: the gateway is ${gateway}`,
    `  curl -X POST ${gateway}/orders -H 'content-type: application/json' -d '{"userId":1,"amount":42}'`,
    `  add ?delay=1500 for a slow request, ?fail=payment (users, orders, notification) for a failing one`,
    `  traces go ${where}`,
  ].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
