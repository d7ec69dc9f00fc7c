import { diag } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { KeepConfig } from '../config/read-config';
import { errorForKeeping } from './error-for-keeping';
import type { KeepableSpan } from './error-for-keeping';
import type { PendingSpan } from './PendingSpan';
import { SAMPLING_REASON } from './sampling-attributes';
import type { KeepReason } from './sampling-attributes';

/** When to keep an unsampled local trace, and how much may wait for a decision: the `keep` sampling settings. */
export interface DeferredDecisionOptions extends KeepConfig {
  readonly now?: () => number;
}

/** Counters for tests, `doctor` and the overflow warning. */
export interface DeferredDecisionStats {
  pendingTraces: number;
  bufferedSpans: number;
  keptTraces: number;
  droppedTraces: number;
  /** Traces dropped undecided because the buffer was full. */
  evictedTraces: number;
  /** Traces decided by the time-to-live because a span never ended. */
  expiredTraces: number;
}

/** One local part of a trace: waiting for its decision, then remembered by its spans until they are collected. */
export interface Piece {
  readonly traceId: string;
  readonly startedAt: number;
  ended: PendingSpan[];
  open: number;
  reason: KeepReason | undefined;
  /** Undefined while pending; then whether the piece was kept and why. */
  decision: KeepReason | false | undefined;
}

/**
 * The deferred half of sampling: keeping errors and slow traces. The spans of a local trace the head sampler did not
 * sample are PendingSpans (see DeferringSampler and sdk/pending-spans.ts), which report here, grouped by trace. When
 * every local span of a trace has ended (not when the root ends: children that end later would otherwise leak from
 * dropped traces, logfire-js#229), the trace is kept if any span is an error or the local root was slow: its spans are
 * then made into SDK spans, sampled, which go through the span processors (redaction first) to the batch processor.
 * Otherwise they are dropped, having never been SDK spans. Spans that end after the decision, or start under a span
 * of a decided piece, follow it. A new local part of the same trace (a second request from the same caller) gets its
 * own decision. Sampled SDK spans pass through.
 *
 * Each span points to its piece, so a decision lives exactly as long as spans that could still start children under
 * it. It used to be remembered by trace id in a Map of 50,000, trimmed by deleting its first key: V8 walks the holes
 * deletions leave at a Map's front, which made keeping errors at a low ratio cost more than recording and exporting
 * everything (bench/findings.md, "Error keeping's decision memory").
 *
 * Memory is bounded: at most `buffer.maxSpans` ended spans wait, oldest traces are dropped first when it is full,
 * and a trace whose spans never all end is decided after `buffer.ttlMs` with what it has.
 */
export class DeferredDecisionProcessor implements SpanProcessor {
  /** Undecided pieces by trace id, oldest first. */
  private readonly pending = new Map<string, Piece>();
  private readonly counters: DeferredDecisionStats = {
    pendingTraces: 0,
    bufferedSpans: 0,
    keptTraces: 0,
    droppedTraces: 0,
    evictedTraces: 0,
    expiredTraces: 0,
  };
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly isError: (span: KeepableSpan) => boolean;

  constructor(
    private readonly next: SpanProcessor,
    private readonly options: DeferredDecisionOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.isError = errorForKeeping(options.ignoredErrors);
    this.sweeper = setInterval(() => this.expire(), Math.max(100, Math.min(options.buffer.ttlMs / 2, 5000)));
    this.sweeper.unref();
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(span);
  }

  /**
   * A pending span started: it joins its pending parent's piece, else the undecided piece of its trace (a second
   * request of the trace while the first is still running), else a new one.
   */
  started(span: PendingSpan, parent: PendingSpan | undefined): PendingSpan {
    let piece = parent?.piece;
    if (!piece) {
      const { traceId } = span.spanContext();
      piece = this.pending.get(traceId);
      if (!piece) {
        piece = { traceId, startedAt: this.now(), ended: [], open: 0, reason: undefined, decision: undefined };
        this.pending.set(traceId, piece);
      }
    }
    span.piece = piece;
    if (piece.decision === undefined) piece.open++;
    return span;
  }

  /** A pending span ended: it waits with its piece, which is decided once none of its spans is open. */
  ended(span: PendingSpan): void {
    const piece = span.piece;
    if (!piece) return;
    if (piece.decision !== undefined) {
      if (piece.decision) span.origin.replay(span, undefined);
      return;
    }
    piece.ended.push(span);
    piece.open--;
    this.counters.bufferedSpans++;
    piece.reason ??= this.keepReason(span);
    if (piece.open <= 0) this.decide(piece);
    else this.enforceBound();
  }

  /** Forwards the traces already known to be kept, then flushes the batch processor. */
  async forceFlush(): Promise<void> {
    for (const piece of this.pending.values()) if (piece.reason) this.decide(piece);
    await this.next.forceFlush();
  }

  /** Decides every pending trace with what it has, then shuts the batch processor down. */
  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    for (const piece of this.pending.values()) this.decide(piece);
    await this.next.shutdown();
  }

  stats(): DeferredDecisionStats {
    return { ...this.counters, pendingTraces: this.pending.size };
  }

  private keepReason(span: PendingSpan): KeepReason | undefined {
    if (this.options.errors && this.isError(span)) return 'error';
    const slowerThan = this.options.slowerThanMs;
    if (slowerThan !== undefined && isLocalRoot(span) && span.durationMs() > slowerThan) return 'latency';
    return undefined;
  }

  private decide(piece: Piece): void {
    const { reason } = piece;
    const ended = this.settle(piece, reason ?? false);
    if (!reason) {
      this.counters.droppedTraces++;
      return;
    }
    this.counters.keptTraces++;
    for (const span of ended) span.origin.replay(span, isLocalRoot(span) ? { [SAMPLING_REASON]: reason } : undefined);
  }

  /**
   * Records the decision on the piece, which its spans remember, and lets go of the spans it buffered (a span still
   * referenced by the app must not keep its ended siblings alive). Returns them.
   */
  private settle(piece: Piece, decision: KeepReason | false): PendingSpan[] {
    const { ended } = piece;
    piece.decision = decision;
    piece.ended = [];
    if (this.pending.get(piece.traceId) === piece) this.pending.delete(piece.traceId);
    this.counters.bufferedSpans -= ended.length;
    return ended;
  }

  /** Drops the oldest undecided traces while more spans wait than the bound allows. */
  private enforceBound(): void {
    let evicted = 0;
    for (const piece of this.pending.values()) {
      if (this.counters.bufferedSpans <= this.options.buffer.maxSpans) break;
      if (piece.reason) {
        this.decide(piece); // already known to be kept: send it on rather than lose it
        continue;
      }
      this.settle(piece, false);
      evicted++;
    }
    if (evicted > 0) {
      this.counters.evictedTraces += evicted;
      diag.warn(
        `the keep buffer is full (${this.options.buffer.maxSpans} spans): dropped ${evicted} undecided traces, ` +
          `${this.counters.evictedTraces} in all; raise OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS or lower traffic`,
      );
    }
  }

  /** Decides traces that waited longer than the time-to-live, with the spans that did end. */
  private expire(): void {
    const deadline = this.now() - this.options.buffer.ttlMs;
    for (const piece of this.pending.values()) {
      if (piece.startedAt > deadline) break; // insertion order is start order
      this.counters.expiredTraces++;
      this.decide(piece);
    }
  }
}

function isLocalRoot(span: PendingSpan): boolean {
  return !span.parentSpanContext || span.parentSpanContext.isRemote === true;
}
