import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { withUpstreamMessages } from '../../src/sdk/upstream-messages';

/** The lines the wrapped logger passes on, as `level: message`, with OTel's diag set to it at `level`. */
function capture(level: DiagLogLevel): string[] {
  const lines: string[] = [];
  const record = (name: string) => (message: string) => lines.push(`${name}: ${message}`);
  const inner: DiagLogger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
  diag.setLogger(withUpstreamMessages(inner, level), { logLevel: level, suppressOverrideMessage: true });
  return lines;
}

afterEach(() => diag.disable());

describe('upstream messages on stderr', () => {
  it("does not print the SDK's error for a span ended twice (ioredis' instrumentation does that), except at debug", () => {
    for (const [level, expected] of [
      [DiagLogLevel.INFO, 0],
      [DiagLogLevel.DEBUG, 1],
    ] as const) {
      const lines = capture(level);
      const span = new TracerProvider().getTracer('t').startSpan('blpop');
      span.end();
      span.end();
      expect(lines.filter((line) => line.includes('end() on a span once'))).toHaveLength(expected);
    }
  });

  it("adds what to set to the batch processor's 'Dropped N spans' warning", async () => {
    const lines = capture(DiagLogLevel.INFO);
    const processor = new BatchSpanProcessor({
      exporter: new InMemorySpanExporter(),
      maxQueueSize: 10,
      maxExportBatchSize: 10,
    });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('t');
    for (let i = 0; i < 50; i++) tracer.startSpan(`burst ${i}`).end();
    await processor.forceFlush();
    tracer.startSpan('after the burst').end(); // the processor reports the drops when it next takes a span
    expect(lines.find((line) => line.startsWith('warn: Dropped'))).toMatch(
      /^warn: Dropped \d+ spans because maxQueueSize reached: .*Raise OTEL_BSP_MAX_QUEUE_SIZE/,
    );
    await processor.shutdown();
  });

  it('passes every other message on at its own level', () => {
    const lines = capture(DiagLogLevel.INFO);
    diag.warn('something else');
    diag.debug('not shown at info');
    expect(lines).toEqual(['warn: something else']);
  });
});
