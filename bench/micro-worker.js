// One side of `npm run bench -- --micro`, in its own process: makes spans the way OpenTelemetry JS' own benchmark
// does (start a span, set 10 attributes, end it) through the global tracer, then flushes them to the sink, and prints
// one JSON line: CPU µs per span to make them, and to export them (batch, encode, send). MICRO_SDK=upstream sets up
// upstream's SDK by hand (TracerProvider, BatchSpanProcessor, OTLP/protobuf exporter), as an app would without us;
// otherwise the bootstrap is preloaded with --require and already installed its own.
const api = require('@opentelemetry/api');

const SPANS_PER_BATCH = 512;
const { MICRO_SPANS = '204800', MICRO_WARMUP = '51200', MICRO_SDK, SINK_URL } = process.env;

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
    makeSpans(tracer, SPANS_PER_BATCH);
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
