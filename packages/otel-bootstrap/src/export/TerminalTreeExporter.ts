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
  /** Spans not held because the trace reached MAX_SPANS_PER_TRACE. */
  left: number;
}

/** Traces waiting for their local root; past this the oldest are printed early rather than held. */
const MAX_WAITING_TRACES = 1000;
/** Spans held per trace: a long-lived root (a job, a websocket) must not grow a tree without bound. */
const MAX_SPANS_PER_TRACE = 200;

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
        const trace = this.waiting.get(traceId) ?? { since: now, spans: [], left: 0 };
        if (trace.spans.length < MAX_SPANS_PER_TRACE || isLocalRoot(span)) trace.spans.push(span);
        else trace.left++;
        this.waiting.set(traceId, trace);
        if (isLocalRoot(span)) complete.add(traceId);
      }
      for (const [traceId, trace] of this.waiting) {
        const overdue = now - trace.since >= this.holdMs || this.waiting.size > MAX_WAITING_TRACES;
        if (overdue) {
          this.waiting.delete(traceId);
          this.print(trace.spans, trace.left);
        } else if (complete.has(traceId)) this.printFinishedParts(traceId, trace);
      }
    } catch {
      // Printing is best effort: a broken stderr must not fail the export pipeline or reach the app.
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    try {
      const all = [...this.waiting.values()];
      this.waiting.clear();
      for (const trace of all) this.print(trace.spans, trace.left);
    } catch {
      // Best effort, as in export().
    }
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  /**
   * Prints what hangs under each local root that has arrived, and leaves the rest waiting: a trace can pass through
   * this service twice (an order's HTTP request, then its payment outcome over RabbitMQ), and the spans of the
   * second visit must wait for their own root.
   */
  private printFinishedParts(traceId: string, trace: Waiting): void {
    const finished = new Set(trace.spans.filter(isLocalRoot).map((span) => span.spanContext().spanId));
    for (let grew = true; grew;) {
      grew = false;
      for (const span of trace.spans) {
        const { spanId } = span.spanContext();
        if (!finished.has(spanId) && finished.has(span.parentSpanContext?.spanId ?? '')) {
          finished.add(spanId);
          grew = true;
        }
      }
    }
    const [done, rest] = partition(trace.spans, (span) => finished.has(span.spanContext().spanId));
    if (rest.length > 0) this.waiting.set(traceId, { since: trace.since, spans: rest, left: 0 });
    else this.waiting.delete(traceId);
    this.print(done, rest.length > 0 ? 0 : trace.left);
  }

  private print(spans: ReadableSpan[], left: number): void {
    if (!this.mayPrint()) return;
    const skipped = this.notShown > 0 ? `(${this.notShown} more traces were not shown)\n` : '';
    const cut = left > 0 ? `\n(${left} more spans of this trace were not held)` : '';
    this.notShown = 0;
    this.write(`${skipped}${renderTraceTree(spans)}${cut}`);
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

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

function isLocalRoot(span: ReadableSpan): boolean {
  return !span.parentSpanContext || span.parentSpanContext.isRemote === true;
}
