import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { createBatchSpanProcessor } from '../../src/export/batch-span-processor';

const SPAN = {
  name: 'job',
  resource: { attributes: {} },
  spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
} as unknown as ReadableSpan;

const OPTIONS = { scheduledDelayMillis: 60_000, exportTimeoutMillis: 30_000, maxQueueSize: 10, maxExportBatchSize: 10 };

describe('createBatchSpanProcessor', () => {
  it("unrefs the timer the batch processor arms for each export, and no one else's", async () => {
    const real = globalThis.setTimeout;
    const armed: { by: string; timer: NodeJS.Timeout }[] = [];
    let by = 'the app';
    const recording = ((...args: Parameters<typeof setTimeout>) => {
      const timer = real(...args);
      armed.push({ by, timer });
      return timer;
    }) as typeof setTimeout;
    // An export that never answers, and arms a timer of its own in the same call (as a transport would).
    const exporter: SpanExporter = {
      export: () => {
        by = 'the exporter';
        setTimeout(() => undefined, 60_000);
      },
      shutdown: () => Promise.resolve(),
    };
    globalThis.setTimeout = recording;
    try {
      const batch = createBatchSpanProcessor(exporter, OPTIONS);
      by = 'the batch processor';
      batch.onEnd(SPAN); // arms the schedule timer, which upstream unrefs itself
      void batch.forceFlush(); // arms the export timer, then calls the exporter
      by = 'the app';
      setTimeout(() => undefined, 60_000);
      expect(globalThis.setTimeout).toBe(recording);
      expect(armed.map(({ by, timer }) => [by, timer.hasRef()])).toEqual([
        ['the batch processor', false], // the schedule timer
        ['the batch processor', false], // the export timer
        ['the exporter', true],
        ['the app', true],
      ]);
    } finally {
      globalThis.setTimeout = real;
      for (const { timer } of armed) clearTimeout(timer);
    }
  });
});
