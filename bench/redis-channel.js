// In-process comparison for issue 20's "ioredis from its tracing channel": CPU per ioredis command, GETs
// against the real Redis, inside an active server-like span, under `node --require @org/otel-bootstrap`. REDIS_SPANS
// picks who makes the command spans: `upstream` (instrumentation-ioredis, as shipped), `channel` (a subscriber to
// ioredis' `ioredis:command` tracing channel that starts and ends the same span, with instrumentation-ioredis
// disabled by the caller through OTEL_NODE_DISABLED_INSTRUMENTATIONS=ioredis), or `none` (disabled, no subscriber).
// BATCH (100) commands run concurrently under each root span. Prints one JSON line: µs of CPU per command.
const api = require('@opentelemetry/api');
const dc = require('node:diagnostics_channel');
const Redis = require('ioredis').default;

const { REDIS_SPANS = 'upstream', REDIS_URL = 'redis://127.0.0.1:6379', COMMANDS = '100000' } = process.env;
const tracer = api.trace.getTracer('redis-channel');
const BATCH = Number(process.env.BATCH ?? 100);

if (REDIS_SPANS === 'channel') {
  const SPAN = Symbol('span');
  dc.tracingChannel('ioredis:command').subscribe({
    start(message) {
      // what instrumentation-ioredis sets, from what ioredis puts in the message
      message[SPAN] = tracer.startSpan(message.command, {
        kind: api.SpanKind.CLIENT,
        attributes: {
          'db.operation.name': message.command,
          'db.system.name': 'redis',
          'db.query.text': `${message.command} ${(message.args ?? []).join(' ')}`,
          'server.address': message.serverAddress,
          'server.port': message.serverPort,
        },
      });
    },
    asyncEnd(message) {
      message[SPAN]?.end();
    },
    error(message) {
      message[SPAN]?.setStatus({ code: api.SpanStatusCode.ERROR });
    },
  });
}

/** Batches of concurrent GETs, each under its own server-like root span (so a 10% sampler keeps a tenth of them). */
async function commands(redis, n) {
  for (let i = 0; i < n; i += BATCH) {
    const root = tracer.startSpan('GET /item/:id', { kind: api.SpanKind.SERVER });
    await api.context.with(api.trace.setSpan(api.context.active(), root), () => {
      // concurrent, so that the socket's reads and writes are shared and the instrumentation's own work is a larger
      // part of each command's CPU
      const batch = [];
      for (let j = 0; j < BATCH; j++) batch.push(redis.get('bench:item:42'));
      return Promise.all(batch);
    });
    root.end();
  }
  return Math.ceil(n / BATCH) * BATCH;
}

async function main() {
  const redis = new Redis(REDIS_URL);
  const n = Number(COMMANDS);
  await commands(redis, n); // warm-up
  const before = process.cpuUsage();
  const sent = await commands(redis, n);
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ spans: REDIS_SPANS, cpuPerCommand: (used.user + used.system) / sent }));
  redis.disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
