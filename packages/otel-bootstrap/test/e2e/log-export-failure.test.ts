import { startFixture } from '@org/otel-testing';
import { closedPort, fixture, get } from '../helpers/http';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('log records with no collector listening', () => {
  it('are reported dropped as log records, not spans, once a minute', async () => {
    const port = await closedPort();
    // Logs only: a span's or a metric's failure would share the one line a minute and could hide the log line.
    const service = startFixture({
      script: fixture('logs-otlp.js'),
      args: ['serve'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_BLRP_SCHEDULE_DELAY: '20',
        OTEL_EXPORTER_OTLP_TIMEOUT: '300', // give up on retries quickly, so failures are reported during the run
        OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '2000',
      },
    });
    const [, appPort] = await service.waitForLine(/listening (\d+)/);
    // Several batches, each logged after the one before has failed: several failed exports.
    for (let i = 0; i < 5; i++) {
      await get(`http://127.0.0.1:${appPort}/`);
      await sleep(400);
    }
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit.code).toBe(143);
    const failures = exit.stderr.split('\n').filter((line) => line.includes('export failed'));
    expect(failures).toEqual([
      expect.stringMatching(
        /^\[otel-bootstrap\] warn: log export failed, log records are being dropped: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      ),
    ]);
    expect(exit.stderr).not.toMatch(/Unhandled|TypeError|at .*\(/);
  });
});
