import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { renderTraceTree } from './terminal-tree';

/** How the terminal exporter prints, and how much it holds. */
export interface TerminalTreeOptions {
  /** Where each tree goes; stderr by default, so the app's stdout (often JSON logs) stays clean. */
  readonly write?: (text: string) => void;
  /** Most traces printed per second; the rest are counted and the count printed with the next tree. */
  readonly maxTracesPerSecond?: number;
  /** Longest a trace waits for its local root to arrive before it is printed with what it has. */
  readonly holdMs?: number;
  readonly now?: () => number;
}

interface Waiting {
  readonly since: number;
  readonly spans: ReadableSpan[];
}

/** Traces waiting for their local root; past this the oldest are printed early rather than held. */
const MAX_WAITING_TRACES = 1000;

/**
 * Prints each finished trace as an indented tree (see terminal-tree.ts) instead of sending it anywhere. A batch can
 * hold part of a trace, so spans wait, grouped by trace, until the trace's local root (a span with no parent or a
 * remote one) arrives; it ends last, so its arrival means the local part of the trace is complete.
 */
export class TerminalTreeExporter implements SpanExporter {
  private readonly waiting = new Map<string, Waiting>();
  private readonly write: (text: string) => void;
  private readonly maxPerSecond: number;
  private readonly holdMs: number;
  private readonly now: () => number;
  private windowStart = 0;
  private printedInWindow = 0;
  private notShown = 0;

  constructor(options: TerminalTreeOptions = {}) {
    this.write = options.write ?? ((text) => process.stderr.write(`${text}\n`));
    this.maxPerSecond = options.maxTracesPerSecond ?? Infinity;
    this.holdMs = options.holdMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      const now = this.now();
      // The whole batch first: spans that end in the same tick as their root can come after it in the batch.
      const complete = new Set<string>();
      for (const span of spans) {
        const traceId = span.spanContext().traceId;
        const trace = this.waiting.get(traceId) ?? { since: now, spans: [] };
        trace.spans.push(span);
        this.waiting.set(traceId, trace);
        if (isLocalRoot(span)) complete.add(traceId);
      }
      for (const [traceId, trace] of this.waiting) {
        const overdue = now - trace.since >= this.holdMs || this.waiting.size > MAX_WAITING_TRACES;
        if (complete.has(traceId) || overdue) this.print(traceId);
      }
    } catch {
      // Printing is best effort: a broken stderr must not fail the export pipeline or reach the app.
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    for (const traceId of [...this.waiting.keys()]) this.print(traceId);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private print(traceId: string): void {
    const trace = this.waiting.get(traceId);
    this.waiting.delete(traceId);
    if (!trace || !this.mayPrint()) return;
    const skipped = this.notShown > 0 ? `(${this.notShown} more traces were not shown)\n` : '';
    this.notShown = 0;
    this.write(`${skipped}${renderTraceTree(trace.spans)}`);
  }

  private mayPrint(): boolean {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.printedInWindow = 0;
    }
    if (this.printedInWindow >= this.maxPerSecond) {
      this.notShown++;
      return false;
    }
    this.printedInWindow++;
    return true;
  }
}

function isLocalRoot(span: ReadableSpan): boolean {
  return !span.parentSpanContext || span.parentSpanContext.isRemote === true;
}
