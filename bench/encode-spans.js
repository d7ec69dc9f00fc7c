// Compares our OTLP protobuf encoder with upstream's on 512 W1-like spans (a server span with a Redis and two pg
// children each), alternating 3 times: CPU per span and whether the bytes are the same. Needs `npm run build`.
const { TracerProvider } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const api = require('@opentelemetry/api');
const { encodeSpans } = require('../packages/otel-bootstrap/dist/export/protobuf-spans.js');

const spans = [];
const provider = new TracerProvider({
  resource: resourceFromAttributes({
    'service.name': 'bench',
    'host.name': 'bench-host',
    'process.pid': 4242,
    'process.runtime.version': '24.22.3',
    'process.command_args': ['node', 'w1-http.js'],
    'telemetry.sdk.version': '3.1.0',
  }),
  spanProcessors: [
    { onStart() {}, onEnd: (span) => spans.push(span), shutdown: async () => {}, forceFlush: async () => {} },
  ],
});
const server = provider.getTracer('@org/otel-bootstrap/http-server', '0.1.0');
const pg = provider.getTracer('@org/otel-bootstrap/pg', '0.1.0');
const redis = provider.getTracer('@opentelemetry/instrumentation-ioredis', '0.72.0');
const DB = {
  'db.system.name': 'postgresql',
  'db.namespace': 'test',
  'server.address': '127.0.0.1',
  'server.port': 5432,
};
for (let i = 0; i < 128; i++) {
  const request = server.startSpan('GET', {
    kind: api.SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': `/item/${i}`,
      'server.address': '127.0.0.1',
      'server.port': 8080,
      'client.address': '127.0.0.1',
      'network.peer.address': '127.0.0.1',
      'network.peer.port': 50_000 + i,
      'network.protocol.version': '1.1',
      'user_agent.original': 'wrk',
      'http.response.status_code': 200,
    },
  });
  const parent = api.trace.setSpan(api.ROOT_CONTEXT, request);
  const client = { kind: api.SpanKind.CLIENT };
  redis
    .startSpan(
      'get',
      { ...client, attributes: { 'db.system.name': 'redis', 'db.query.text': `get bench:item:${i}` } },
      parent,
    )
    .end();
  pg.startSpan(
    'pg-pool.connect',
    { ...client, attributes: { ...DB, 'db.postgresql.idle.timeout.millis': 10_000 } },
    parent,
  ).end();
  pg.startSpan(
    'pg.query:SELECT test',
    { ...client, attributes: { ...DB, 'db.query.text': 'SELECT $1::int AS n' } },
    parent,
  ).end();
  request.end();
}

const ENCODERS = { upstream: (s) => ProtobufTraceSerializer.serializeRequest(s), ours: encodeSpans };
const same = Buffer.from(ENCODERS.upstream(spans)).equals(Buffer.from(ENCODERS.ours(spans)));
console.log(`${spans.length} spans, the same bytes: ${same}`);
const N = 400;
for (let round = 0; round < 3; round++) {
  for (const [name, encode] of Object.entries(ENCODERS)) {
    for (let i = 0; i < 50; i++) encode(spans);
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) encode(spans);
    const used = process.cpuUsage(before);
    console.log(
      `round ${round} ${name.padEnd(8)} ${((used.user + used.system) / N / spans.length).toFixed(2)} µs a span`,
    );
  }
}
