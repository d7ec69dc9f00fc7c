import { useReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// With metrics off (OTEL_METRICS_EXPORTER=none) our instrumentations record no durations. For Redis that means no
// subscriber on the clients' command channels: a subscriber makes ioredis and node-redis trace every command's
// promise, work an app with metrics off would pay for nothing (bench/findings.md, "Metrics off costs nothing").
describe('Redis command channels and metrics', () => {
  const receiver = useReceiver();

  async function listened(env: Record<string, string>): Promise<{ ioredis: boolean; nodeRedis: boolean }> {
    const exit = await receiver.runFixture(fixture('metric-channels.js'), env);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(exit.stdout.trim()) as { ioredis: boolean; nodeRedis: boolean };
  }

  it('listens to both clients while metrics are on (the default)', async () => {
    expect(await listened({ OTEL_METRICS_EXPORTER: 'otlp' })).toEqual({ ioredis: true, nodeRedis: true });
  });

  it('listens to neither with OTEL_METRICS_EXPORTER=none', async () => {
    expect(await listened({ OTEL_METRICS_EXPORTER: 'none' })).toEqual({ ioredis: false, nodeRedis: false });
  });
});
