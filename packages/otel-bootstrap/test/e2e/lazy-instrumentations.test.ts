import { describeWithServices, serviceUrl, useReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

interface Report {
  readonly atStart: string[];
  readonly afterRequires: string[];
}

const ALWAYS_AT_START = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici'];

describeWithServices(['postgres', 'redis'])('instrumentations loaded on first import', () => {
  // Runtime metrics come from upstream's instrumentation-runtime-node, created at startup and hooking no library:
  // off here, where only the library hooks are counted.
  const receiver = useReceiver({
    env: { PG_URL: serviceUrl('postgres'), REDIS_URL: serviceUrl('redis'), OTEL_BOOTSTRAP_RUNTIME_METRICS: 'false' },
  });

  async function run(env: Record<string, string> = {}): Promise<{ report: Report; spans: ReceivedSpan[] }> {
    const before = receiver.spans.length;
    const exit = await receiver.runFixture(fixture('lazy-loading.js'), env);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    return { report: JSON.parse(exit.stdout.trim()) as Report, spans: receiver.spans.slice(before) };
  }

  it('loads only http and undici at startup, and the others when the app requires their library', async () => {
    const { report, spans } = await run();
    expect(report.atStart).toEqual(ALWAYS_AT_START);
    // pg was required by name, ioredis by its absolute path: both found their instrumentation in time.
    expect(report.afterRequires).toEqual(
      [...ALWAYS_AT_START, '@opentelemetry/instrumentation-ioredis', 'ours:pg'].sort(),
    );
    const root = spans.find((s) => s.name === 'lazy-scenario')!;
    const children = spans.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name);
    expect(children).toEqual(expect.arrayContaining(['pg.connect', 'pg.query:SELECT test', 'get']));
  });

  it('loads every enabled instrumentation at startup with OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS=false', async () => {
    const { report, spans } = await run({ OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS: 'false' });
    expect(report.atStart).toEqual([
      '@opentelemetry/instrumentation-express',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-ioredis',
      '@opentelemetry/instrumentation-pino',
      '@opentelemetry/instrumentation-redis',
      '@opentelemetry/instrumentation-undici',
      '@opentelemetry/instrumentation-winston',
      'ours:amqplib',
      'ours:pg',
    ]);
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['pg.query:SELECT test', 'get']));
  });

  it('loads nothing for a library the app never requires, even when it is enabled', async () => {
    const { report } = await run({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,amqplib,pg,ioredis' });
    expect(report.atStart).toEqual(['@opentelemetry/instrumentation-http']);
    expect(report.afterRequires).not.toContain('ours:amqplib');
    expect(report.afterRequires).not.toContain('@opentelemetry/instrumentation-amqplib');
  });

  it('removes its hook once every instrumentation it waits for is created, and the app goes on', async () => {
    const { report, spans } = await run({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pg,ioredis' });
    expect(report.afterRequires).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-ioredis',
      'ours:pg',
    ]);
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['pg.query:SELECT test', 'get']));
  });
});
