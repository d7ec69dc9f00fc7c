import { treeShape, useReceiver } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

describe.each([
  ['CommonJS, --require', 'http-service.js'],
  ['ESM, --import', 'http-service.mjs'],
])('one request across two services is one trace (%s)', (_label, script) => {
  const receiver = useReceiver({ env: { OTEL_BSP_SCHEDULE_DELAY: '50' } });

  it("parents B's SERVER span to A's CLIENT span, itself a child of A's SERVER span", async () => {
    const b = await receiver.startService(fixture(script), { OTEL_SERVICE_NAME: 'svc-b' });
    const a = await receiver.startService(fixture(script), { OTEL_SERVICE_NAME: 'svc-a', DOWNSTREAM_URL: b.url });

    const response = await get(`${a.url}/hello`);
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
