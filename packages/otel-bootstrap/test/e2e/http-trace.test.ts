import { OtlpReceiver, startFixture, treeShape } from '@org/otel-testing';
import type { RunningFixture } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

describe.each([
  ['CommonJS, --require', 'http-service.js'],
  ['ESM, --import', 'http-service.mjs'],
])('one request across two services is one trace (%s)', (_label, script) => {
  const receiver = new OtlpReceiver();
  const running: RunningFixture[] = [];

  beforeAll(() => receiver.start());
  afterAll(async () => {
    running.forEach((f) => f.kill('SIGKILL'));
    await receiver.stop();
  });

  it("parents B's SERVER span to A's CLIENT span, itself a child of A's SERVER span", async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
    const b = startFixture({ script: fixture(script), env: { ...env, OTEL_SERVICE_NAME: 'svc-b' } });
    running.push(b);
    const [, bPort] = await b.waitForLine(/listening (\d+)/);
    const a = startFixture({
      script: fixture(script),
      env: { ...env, OTEL_SERVICE_NAME: 'svc-a', DOWNSTREAM_URL: `http://127.0.0.1:${bPort}` },
    });
    running.push(a);
    const [, aPort] = await a.waitForLine(/listening (\d+)/);

    const response = await get(`http://127.0.0.1:${aPort}/hello`);
    expect(response).toEqual({ status: 200, body: 'via hello' });
    await receiver.waitForSpans(3);

    // svc-a: GET [SERVER]
    // └── svc-a: GET [CLIENT]
    //     └── svc-b: GET [SERVER]
    expect(treeShape(receiver.spans)).toBe(
      ['svc-a: GET [SERVER]', '└── svc-a: GET [CLIENT]', '    └── svc-b: GET [SERVER]'].join('\n'),
    );
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    const bServer = receiver.spans.find((s) => s.service === 'svc-b');
    expect(bServer?.attributes['url.path']).toBe('/hello');
    expect(bServer?.attributes['http.response.status_code']).toBe(200);
    expect(receiver.decodeErrors).toEqual([]);
  });
});
