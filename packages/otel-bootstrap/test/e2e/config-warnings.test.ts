import { useReceiver } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

describe('bad configuration never stops the app', () => {
  const receiver = useReceiver();

  it('warns once about a bad value, names the fallback, and keeps tracing', async () => {
    const { fixture: service, port } = await receiver.startService(fixture('http-service.js'), {
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(await get(`http://127.0.0.1:${port}/hello`)).toEqual({ status: 200, body: 'hello' });
    service.kill('SIGTERM');
    const { stderr } = await service.exited;
    const warnings = stderr.split('\n').filter((line) => line.includes('OTEL_BSP_SCHEDULE_DELAY'));
    expect(warnings).toEqual([
      '[otel-bootstrap] warn: OTEL_BSP_SCHEDULE_DELAY="soon" is invalid: expected a whole number of at least 0; using the default "5000".',
    ]);
    expect(stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid');
    // The fallback protocol (protobuf) and delay still delivered the span on shutdown.
    expect(receiver.requests.at(-1)?.contentType).toBe('application/x-protobuf');
    expect(receiver.spans.length).toBeGreaterThan(0);
  });

  it('loads nothing at all with OTEL_SDK_DISABLED=true', async () => {
    const exit = await receiver.runFixture(fixture('report-loaded.js'), { OTEL_SDK_DISABLED: 'true' });
    const report = JSON.parse(exit.stdout) as { loaded: string[]; sigtermListeners: number };
    expect(report).toEqual({ loaded: [], sigtermListeners: 0 });
    expect(exit.stderr).toBe('');
  });

  it('loads the SDK when tracing is on (the check above can fail)', async () => {
    const exit = await receiver.runFixture(fixture('report-loaded.js'));
    const report = JSON.parse(exit.stdout) as { loaded: string[]; sigtermListeners: number };
    expect(report.loaded.some((path) => path.includes('@opentelemetry/sdk-trace'))).toBe(true);
    // sdk-node loads gRPC, metrics and logs packages we never use; the bootstrap sets up the SDK without it.
    // (sdk-metrics still arrives through otlp-transformer's index, which the protobuf exporter requires.)
    const unused = /@opentelemetry\/(sdk-node|exporter-trace-otlp-grpc|otlp-grpc-exporter-base)\//;
    expect(report.loaded.filter((path) => unused.test(path))).toEqual([]);
    expect(report.sigtermListeners).toBe(1);
  });
});

describe('limits', () => {
  const receiver = useReceiver();

  it('never lets a 1 MB attribute reach the wire whole, and bounds attribute and event counts', async () => {
    const exit = await receiver.runFixture(fixture('big-attribute.js'));
    expect(exit.code).toBe(0);
    const [span] = receiver.spans;
    expect(String(span.attributes.payload)).toHaveLength(4096);
    expect(Object.keys(span.attributes)).toHaveLength(128);
    expect(span.events).toHaveLength(128);
    expect(receiver.requests.every((r) => r.body.length < 100_000)).toBe(true);
  });

  it('bounds the attributes of an event by OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', async () => {
    const exit = await receiver.runFixture(fixture('big-attribute.js'), {
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '2',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '1000',
    });
    expect(exit.code).toBe(0);
    const span = receiver.spans[receiver.spans.length - 1];
    const wide = span.events.find((e) => e.name === 'wide');
    expect(wide?.attributes).toEqual({ a: 1, b: 2 });
  });
});
