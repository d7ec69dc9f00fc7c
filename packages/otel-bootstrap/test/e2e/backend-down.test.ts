import { createServer } from 'node:net';
import { startFixture, withReceiver } from '@org/otel-testing';
import { fixture, get, listen } from '../helpers/http';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `rate` requests a second for `seconds`, one after another in time; resolves with every status. */
async function steadyLoad(url: string, rate: number, seconds: number): Promise<number[]> {
  const statuses: Promise<number>[] = [];
  const interval = 1000 / rate;
  const start = Date.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + i * interval;
    if (due > Date.now()) await sleep(due - Date.now());
    statuses.push(
      get(url).then(
        (r) => r.status,
        () => 0,
      ),
    );
  }
  return Promise.all(statuses);
}

// The short version of bench/soak-backend-down.js: correctness only. Latency and memory figures belong to the soak
// script, which prints them; a timed assertion here would fail on a busy machine for no fault of the code.
describe('the collector goes down under steady load, then comes back', () => {
  it('serves every request, warns once, and resumes exporting without a restart', async () => {
    await withReceiver(async (receiver) => {
      const port = Number(new URL(receiver.url).port);
      const started = await receiver.startService(fixture('http-service.js'), {
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
        OTEL_BSP_MAX_QUEUE_SIZE: '256',
      });
      const service = started.fixture;
      const url = `${started.url}/hello`;

      const up = await steadyLoad(url, 50, 2);
      await receiver.waitForSpans(100);

      await receiver.stop();
      const stderrBefore = service.stderr.length;
      const down = await steadyLoad(url, 50, 6);
      const warningsWhileDown = service.stderr
        .slice(stderrBefore)
        .split('\n')
        .filter((line) => line.includes('span export failed'));

      await receiver.start(port);
      const received = receiver.spans.length;
      const back = await steadyLoad(url, 50, 2);
      await receiver.waitFor((spans) => spans.length >= received + 100, 10_000);

      expect([...up, ...down, ...back].every((status) => status === 200)).toBe(true);
      expect(warningsWhileDown.length).toBeLessThanOrEqual(1);
      expect(service.stderr).not.toMatch(/Unhandled|TypeError/);
    });
  });

  it('still ends within the shutdown timeout when the collector hangs', async () => {
    // A collector that accepts connections and never answers: the export would wait its full 30 s timeout.
    const hanging = createServer(() => {});
    const collector = await listen(hanging);
    try {
      const service = startFixture({
        script: fixture('http-service.js'),
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector,
          OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
          OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '1000',
        },
      });
      const [, appPort] = await service.waitForLine(/listening (\d+)/);
      await get(`http://127.0.0.1:${appPort}/hello`); // one pending span to flush
      const started = Date.now();
      service.kill('SIGTERM');
      const exit = await service.exited;
      expect(exit.code).toBe(143);
      // Bounded by the 1 s shutdown timeout, far below the 30 s the export alone would take.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      hanging.close();
    }
  });
});
