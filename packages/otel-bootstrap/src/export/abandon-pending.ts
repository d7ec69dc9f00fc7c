import type { SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * A SpanExporter that can give up, at once, on the exports it is still waiting for: what the exit flush does when
 * its time is up, so that retries and open requests to a dead or hanging collector never outlive it.
 */
export interface AbandoningExporter extends SpanExporter {
  abandon(): void;
}

/** Abandons what `exporter` (of spans, log records or metrics) is still sending, if it can; never throws. */
export function abandonPending(exporter: object | undefined): void {
  try {
    (exporter as { abandon?: () => void } | undefined)?.abandon?.();
  } catch {
    // Giving up is best effort: the process is ending anyway.
  }
}
