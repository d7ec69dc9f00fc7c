import { diag } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { ExportConfig } from '../config/read-config';

/**
 * The stock BatchSpanProcessor in front of `exporter`, except that the timer it arms for each export does not keep
 * the process alive.
 *
 * That timer (OTEL_BSP_EXPORT_TIMEOUT, 30 s) is ref'd and lives as long as the export does. With the collector down,
 * an export retries for up to OTEL_EXPORTER_OTLP_TIMEOUT, so a job whose own work was done could not end, nor even
 * reach `beforeExit` where the bounded exit flush runs (open-telemetry/opentelemetry-js-contrib#3349; unref'ing it
 * was proposed upstream in open-telemetry/opentelemetry-js#3458, which was closed unmerged).
 */
export function createBatchSpanProcessor(exporter: SpanExporter, options: ExportConfig['batch']): BatchSpanProcessor {
  const batch = new BatchSpanProcessor({ exporter, ...options });
  unrefExportTimers(batch);
  return batch;
}

type FlushOneBatch = (this: unknown) => Promise<void>;

/**
 * `_flushOneBatch` is private upstream and arms the timer before anything else that calls `setTimeout`, in the same
 * synchronous call: the first timer armed during that call is the export timer. Should upstream rename the method,
 * the processor still works, only with the timer ref'd again (test/e2e/prompt-exit.test.ts fails then).
 */
function unrefExportTimers(batch: BatchSpanProcessor): void {
  const target = batch as unknown as { _flushOneBatch?: FlushOneBatch };
  const flushOneBatch = target._flushOneBatch;
  if (typeof flushOneBatch !== 'function') {
    diag.debug('BatchSpanProcessor has no _flushOneBatch: its export timers keep the process alive');
    return;
  }
  const timers = globalThis as { setTimeout: typeof setTimeout };
  target._flushOneBatch = function (this: unknown) {
    const setTimeoutBefore = timers.setTimeout;
    const unrefFirst = (...args: Parameters<typeof setTimeoutBefore>) => {
      timers.setTimeout = setTimeoutBefore;
      const timer = setTimeoutBefore(...args);
      // Optional: a fake timer (a test framework's) may have no unref.
      (timer as { unref?: () => unknown }).unref?.();
      return timer;
    };
    timers.setTimeout = unrefFirst as typeof setTimeout;
    try {
      return flushOneBatch.call(this);
    } finally {
      timers.setTimeout = setTimeoutBefore;
    }
  };
}
