// One side of `npm run bench -- --micro`, in its own process: makes spans the way OpenTelemetry JS' own benchmark
// does (start a span, set 10 attributes, end it) through the global tracer, then flushes them to the sink, and prints
// one JSON line: CPU µs per span (or per W1-shaped trace, with MICRO_SHAPE=trace) to make them, and to export them
// (batch, encode, send). MICRO_SDK=upstream sets up upstream's SDK by hand (TracerProvider, BatchSpanProcessor,
// OTLP/protobuf exporter), as an app would without us; otherwise the bootstrap is preloaded with --require and
// already installed its own.
const api = require('@opentelemetry/api');

const { MICRO_SPANS = '204800', MICRO_WARMUP = '51200', MICRO_SDK, MICRO_SHAPE = 'span', SINK_URL } = process.env;
// MICRO_SHAPE=trace makes W1-shaped traces of four spans instead of single spans; MICRO_SPANS then counts traces.
const TRACES = MICRO_SHAPE === 'trace';
const SPANS_PER_BATCH = TRACES ? 128 : 512;

function upstreamSdk() {
  const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${SINK_URL}/v1/traces` }) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'micro' }),
    spanProcessors: [processor],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(provider);
  return () => provider.forceFlush();
}

/** The bootstrap's flush: what its exit flush does, without ending the process. */
function bootstrapFlush() {
  const provider = api.trace.getTracerProvider();
  const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
  return () => delegate.forceFlush();
}

/** W1's request as spans: a SERVER root with its request attributes, and three CLIENT children (Redis, pg, pg). */
function makeTraces(tracer, n) {
  for (let i = 0; i < n; i++) {
    const root = tracer.startSpan('GET', {
      kind: api.SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.path': `/item/${i}`,
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'server.port': 8080,
        'client.address': '127.0.0.1',
        'user_agent.original': 'wrk',
        'network.protocol.version': '1.1',
      },
    });
    const parent = api.trace.setSpan(api.context.active(), root);
    for (const [name, system, text] of CHILDREN) {
      const child = tracer.startSpan(
        name,
        {
          kind: api.SpanKind.CLIENT,
          attributes: {
            'db.system.name': system,
            'db.query.text': text,
            'server.address': '127.0.0.1',
            'server.port': 5432,
            'db.namespace': 'test',
          },
        },
        parent,
      );
      api.context.with(api.trace.setSpan(parent, child), () => child.end());
    }
    root.setAttribute('http.route', '/item/:id');
    root.setAttribute('http.response.status_code', 200);
    root.end();
  }
}
const CHILDREN = [
  ['get', 'redis', 'get bench:item:42'],
  ['pg.query:SELECT test', 'postgresql', 'SELECT $1::int AS n'],
  ['pg.query:SELECT test', 'postgresql', 'SELECT $1::int AS n'],
];

function makeSpans(tracer, n) {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan('GET /items/:id', { kind: api.SpanKind.SERVER });
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('url.path', `/items/${i}`);
    span.setAttribute('url.scheme', 'http');
    span.setAttribute('http.route', '/items/:id');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.address', '127.0.0.1');
    span.setAttribute('server.port', 8080);
    span.setAttribute('client.address', '127.0.0.1');
    span.setAttribute('user_agent.original', 'wrk');
    span.setAttribute('network.protocol.version', '1.1');
    span.end();
  }
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function run(tracer, flush, total) {
  let making = 0;
  let exporting = 0;
  for (let done = 0; done < total; done += SPANS_PER_BATCH) {
    const before = cpuMicros();
    (TRACES ? makeTraces : makeSpans)(tracer, SPANS_PER_BATCH);
    const made = cpuMicros();
    await flush();
    making += made - before;
    exporting += cpuMicros() - made;
  }
  return { make: making / total, export: exporting / total };
}

async function main() {
  const flush = MICRO_SDK === 'upstream' ? upstreamSdk() : bootstrapFlush();
  const tracer = api.trace.getTracer('micro');
  await run(tracer, flush, Number(MICRO_WARMUP));
  const result = await run(tracer, flush, Number(MICRO_SPANS));
  const { spans } = await (await fetch(`${SINK_URL}/count`)).json();
  console.log(JSON.stringify({ ...result, received: spans }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
