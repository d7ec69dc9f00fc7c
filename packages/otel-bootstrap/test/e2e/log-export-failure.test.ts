import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { startFixture } from '@org/otel-testing';
import type { FixtureExit } from '@org/otel-testing';
import { closedPort, fixture, get, listen } from '../helpers/http';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs logs-otlp.js with only logs on (unless `env` turns the others on), exporting to `endpoint`; logs five batches,
 * each after the one before has failed, then ends it.
 */
async function logFiveBatches(endpoint: string, env: Record<string, string>): Promise<FixtureExit> {
  const service = startFixture({
    script: fixture('logs-otlp.js'),
    args: ['serve'],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_BLRP_SCHEDULE_DELAY: '20',
      OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '2000',
      ...env,
    },
  });
  const [, appPort] = await service.waitForLine(/listening (\d+)/);
  for (let i = 0; i < 5; i++) {
    await get(`http://127.0.0.1:${appPort}/`);
    await sleep(400);
  }
  service.kill('SIGTERM');
  return service.exited;
}

describe('log records with no collector listening', () => {
  it('are reported dropped as log records, not spans, once a minute', async () => {
    const port = await closedPort();
    const exit = await logFiveBatches(`http://127.0.0.1:${port}`, {
      OTEL_EXPORTER_OTLP_TIMEOUT: '300', // give up on retries quickly, so failures are reported during the run
    });
    expect(exit.code).toBe(143);
    const failures = exit.stderr.split('\n').filter((line) => line.includes('export failed'));
    expect(failures).toEqual([
      expect.stringMatching(
        /^\[otel-bootstrap\] warn: log export failed, log records are being dropped: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      ),
    ]);
    expect(exit.stderr).not.toMatch(/Unhandled|TypeError|at .*\(/);
  });

  it('get their own line a minute next to the spans and metrics of the same outage', async () => {
    const port = await closedPort();
    // Whichever signal failed first used to take the one line a minute of all three, hiding the others' failures.
    const exit = await logFiveBatches(`http://127.0.0.1:${port}`, {
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_BSP_SCHEDULE_DELAY: '20',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    expect(exit.code).toBe(143);
    const failures = exit.stderr.split('\n').filter((line) => line.includes('export failed'));
    const refused = 'connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+';
    expect(failures.sort()).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[otel-bootstrap\\] warn: log export failed, log records are being dropped: ${refused}$`),
      ),
      expect.stringMatching(
        new RegExp(`^\\[otel-bootstrap\\] warn: metric export failed, metrics are being dropped: .*${refused}`),
      ),
      expect.stringMatching(
        new RegExp(`^\\[otel-bootstrap\\] warn: span export failed, spans are being dropped: ${refused}$`),
      ),
    ]);
  });
});

describe('log records sent to a collector that never answers', () => {
  it('are reported dropped as log records once a batch outlasts OTEL_BLRP_EXPORT_TIMEOUT', async () => {
    const held: Socket[] = [];
    const collector = createServer((socket) => held.push(socket));
    const endpoint = await listen(collector);
    try {
      const exit = await logFiveBatches(endpoint, {
        OTEL_EXPORTER_OTLP_TIMEOUT: '20000', // the request would wait this long: the batch's timeout comes first
        OTEL_BLRP_EXPORT_TIMEOUT: '200',
      });
      expect(exit.code).toBe(143);
      expect(held.length).toBeGreaterThan(0); // the exports did reach it
      // The batch processor's own timeout error reads "Timeout", as the span processor's does.
      const failures = exit.stderr.split('\n').filter((line) => line.includes('export failed'));
      expect(failures).toEqual([
        '[otel-bootstrap] warn: log export failed, log records are being dropped: Timeout: not exported within ' +
          'OTEL_BLRP_EXPORT_TIMEOUT (200 ms)',
      ]);
      expect(exit.stderr).not.toMatch(/Unhandled|TypeError|at .*\(/);
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
