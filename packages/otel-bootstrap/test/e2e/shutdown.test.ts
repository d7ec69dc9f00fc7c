import { startFixture, useReceiver } from '@org/otel-testing';
import { closedPort, fixture, get } from '../helpers/http';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdown', () => {
  const receiver = useReceiver();
  beforeEach(() => receiver.spans.splice(0));

  it('flushes a span that ended 50 ms before SIGTERM, then exits with 143', async () => {
    // The default 5 s batch delay guarantees the span is still queued when SIGTERM arrives.
    const { fixture: service, url } = await receiver.startService(fixture('http-service.js'));
    await get(`${url}/hello`);
    await sleep(50);
    expect(receiver.spans).toHaveLength(0);
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit).toMatchObject({ code: 143, signal: null });
    expect(receiver.spans.map((s) => s.name)).toEqual(['GET']);
  });

  it('exits with 130 on SIGINT', async () => {
    const { fixture: service } = await receiver.startService(fixture('http-service.js'));
    service.kill('SIGINT');
    expect((await service.exited).code).toBe(130);
  });

  it('leaves exiting to an app that handles SIGTERM itself, and still flushes', async () => {
    const { fixture: service, url } = await receiver.startService(fixture('graceful-service.js'));
    await get(`${url}/`);
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout).toContain('app: draining');
    expect(receiver.spans).toHaveLength(1);
  });

  it('serves 200 requests with no collector listening, warns at most once a minute, and exits cleanly', async () => {
    const port = await closedPort();
    const service = startFixture({
      script: fixture('http-service.js'),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_BSP_SCHEDULE_DELAY: '20',
        OTEL_EXPORTER_OTLP_TIMEOUT: '300', // give up on retries quickly, so failures are reported during the run
        OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '2000',
      },
    });
    const [, appPort] = await service.waitForLine(/listening (\d+)/);
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const response = await get(`http://127.0.0.1:${appPort}/hello`);
      statuses.push(response.status);
      if (i % 20 === 0) await sleep(25); // let several export attempts fail along the way
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(200);
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit.code).toBe(143);
    const diagnostics = exit.stderr.split('\n').filter((line) => line.startsWith('[otel-bootstrap]'));
    // The failure is reported, once: dozens of exports failed during the run.
    expect(diagnostics.filter((line) => line.includes('span export failed'))).toEqual([
      expect.stringContaining('ECONNREFUSED'),
    ]);
    // Any other diagnostic (such as the retry notice) is printed at most once too.
    expect(new Set(diagnostics.map((line) => line.replace(/\d+/g, '#'))).size).toBe(diagnostics.length);
    expect(exit.stderr).not.toMatch(/Unhandled|TypeError|at .*\(/);
  });
});
