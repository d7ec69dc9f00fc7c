import { useReceiver } from '@org/otel-testing';
import type { TestReceiver } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

/** Starts the one-service fixture, sends one request, and waits for its span. */
async function oneTracedRequest(receiver: TestReceiver, env: Record<string, string>) {
  const service = await receiver.startService(fixture('http-service.js'), env);
  await get(`${service.url}/hello`);
  await receiver.waitForSpans(1);
  return { span: receiver.spans[0], stderr: service.fixture.stderr };
}

describe('OTLP/HTTP export', () => {
  const receiver = useReceiver({ scope: 'test', env: { OTEL_BSP_SCHEDULE_DELAY: '50' } });

  it.each([
    ['http/protobuf', 'lean', 'application/x-protobuf'],
    ['http/protobuf', 'upstream', 'application/x-protobuf'],
    ['http/json', 'lean', 'application/json'],
  ])(
    'OTEL_EXPORTER_OTLP_PROTOCOL=%s (encoder %s) sends %s that decodes with the OTLP schema',
    async (protocol, encoder, contentType) => {
      const { span } = await oneTracedRequest(receiver, {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BOOTSTRAP_PROTOBUF_ENCODER: encoder,
      });
      expect(receiver.requests[0].contentType).toBe(contentType);
      expect(receiver.decodeErrors).toEqual([]);
      expect(span).toMatchObject({ name: 'GET', kind: 'SERVER' });
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    },
  );

  it('defaults to protobuf and sends OTEL_EXPORTER_OTLP_HEADERS', async () => {
    await oneTracedRequest(receiver, { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,authorization=Bearer%20abc' });
    expect(receiver.requests[0].contentType).toBe('application/x-protobuf');
    expect(receiver.requests[0].headers['x-tenant']).toBe('acme');
    expect(receiver.requests[0].headers['authorization']).toBe('Bearer abc');
  });

  it('honours OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as a full URL', async () => {
    const { span } = await oneTracedRequest(receiver, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    });
    expect(span.kind).toBe('SERVER');
  });

  it("names the service after the app's package.json and adds version, environment, host and process", async () => {
    const { span } = await oneTracedRequest(receiver, { OTEL_BOOTSTRAP_ENVIRONMENT: 'staging' });
    expect(span.resource).toMatchObject({
      'service.name': 'fixture-app',
      'service.version': '1.2.3',
      'deployment.environment.name': 'staging',
      'process.pid': expect.any(Number),
      'process.runtime.name': 'nodejs',
      'host.name': expect.any(String),
    });
    expect(Object.keys(span.resource).filter((k) => k.startsWith('cloud.'))).toEqual([]);
  });

  it('lets OTEL_SERVICE_NAME win over OTEL_RESOURCE_ATTRIBUTES and package.json', async () => {
    const { span } = await oneTracedRequest(receiver, {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,team=payments',
    });
    expect(span.resource).toMatchObject({ 'service.name': 'checkout', team: 'payments' });
  });

  it('continues an incoming W3C traceparent and keeps baggage-free tracestate', async () => {
    const { url } = await receiver.startService(fixture('http-service.js'));
    await get(`${url}/hello`, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=abc',
    });
    await receiver.waitForSpans(1);
    expect(receiver.spans[0]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentSpanId: 'b7ad6b7169203331',
      traceState: 'vendor=abc',
    });
  });
});
