import { diag, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { SAMPLING_REASON } from '../sampling/sampling-attributes';
import type { KeepReason } from '../sampling/sampling-attributes';

/** When to keep an unsampled local trace, and how much may wait for a decision. */
export interface DeferredDecisionOptions {
  readonly keepErrors: boolean;
  /** Keep a trace whose local root took longer than this; undefined: latency never keeps a trace. */
  readonly slowerThanMs: number | undefined;
  /** Most ended spans held, across all pending traces. */
  readonly maxSpans: number;
  /** Longest a trace waits for its last local span to end. */
  readonly ttlMs: number;
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

/** One local trace waiting for its decision. */
interface Pending {
  readonly startedAt: number;
  readonly ended: ReadableSpan[];
  open: number;
  reason: KeepReason | undefined;
}

/** Decisions already made, remembered so that spans ending later follow them. */
const DECIDED_MEMORY = 50_000;

/**
 * The deferred half of error- and latency-aware sampling. Spans the head sampler did not sample but recorded
 * (see DeferringSampler) wait here, grouped by trace. When every local span of a trace has ended (not when the
 * root ends: children that end later would otherwise leak from dropped traces, logfire-js#229), the trace is kept
 * if any span is an error or the local root was slow, and its spans go on to the batch processor as sampled.
 * Otherwise they are dropped. Spans that end after the decision follow it.
 *
 * Memory is bounded: at most `maxSpans` ended spans wait, oldest traces are dropped first when it is full, and a
 * trace whose spans never all end is decided after `ttlMs` with what it has.
 */
export class DeferredDecisionProcessor implements SpanProcessor {
  private readonly pending = new Map<string, Pending>();
  private readonly decided = new Map<string, KeepReason | false>();
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

  constructor(
    private readonly next: SpanProcessor,
    private readonly options: DeferredDecisionOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.expire(), Math.max(100, Math.min(options.ttlMs / 2, 5000)));
    this.sweeper.unref();
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
    const { traceId, traceFlags } = span.spanContext();
    if (traceFlags & TraceFlags.SAMPLED || this.decided.has(traceId)) return;
    let entry = this.pending.get(traceId);
    if (!entry) {
      entry = { startedAt: this.now(), ended: [], open: 0, reason: undefined };
      this.pending.set(traceId, entry);
    }
    entry.open++;
  }

  onEnd(span: ReadableSpan): void {
    const { traceId, traceFlags } = span.spanContext();
    if (traceFlags & TraceFlags.SAMPLED) {
      this.next.onEnd(span);
      return;
    }
    const decision = this.decided.get(traceId);
    if (decision !== undefined) {
      if (decision) this.next.onEnd(asSampled(span, undefined));
      return;
    }
    const entry = this.pending.get(traceId);
    if (!entry) return; // started before this processor existed; nothing to decide with
    entry.ended.push(span);
    entry.open--;
    this.counters.bufferedSpans++;
    entry.reason ??= this.keepReason(span);
    if (entry.open <= 0) this.decide(traceId, entry);
    else this.enforceBound();
  }

  /** Forwards the traces already known to be kept, then flushes the batch processor. */
  async forceFlush(): Promise<void> {
    for (const [traceId, entry] of this.pending) if (entry.reason) this.decide(traceId, entry);
    await this.next.forceFlush();
  }

  /** Decides every pending trace with what it has, then shuts the batch processor down. */
  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    for (const [traceId, entry] of this.pending) this.decide(traceId, entry);
    await this.next.shutdown();
  }

  stats(): DeferredDecisionStats {
    return { ...this.counters, pendingTraces: this.pending.size };
  }

  private keepReason(span: ReadableSpan): KeepReason | undefined {
    if (this.options.keepErrors && isError(span)) return 'error';
    const slowerThan = this.options.slowerThanMs;
    if (slowerThan !== undefined && isLocalRoot(span) && durationMs(span) > slowerThan) return 'latency';
    return undefined;
  }

  private decide(traceId: string, entry: Pending): void {
    this.pending.delete(traceId);
    this.counters.bufferedSpans -= entry.ended.length;
    this.remember(traceId, entry.reason ?? false);
    if (!entry.reason) {
      this.counters.droppedTraces++;
      return;
    }
    this.counters.keptTraces++;
    for (const span of entry.ended) this.next.onEnd(asSampled(span, isLocalRoot(span) ? entry.reason : undefined));
  }

  private remember(traceId: string, decision: KeepReason | false): void {
    this.decided.set(traceId, decision);
    if (this.decided.size > DECIDED_MEMORY) {
      this.decided.delete(this.decided.keys().next().value as string);
    }
  }

  /** Drops the oldest undecided traces while more spans wait than the bound allows. */
  private enforceBound(): void {
    let evicted = 0;
    for (const [traceId, entry] of this.pending) {
      if (this.counters.bufferedSpans <= this.options.maxSpans) break;
      if (entry.reason) {
        this.decide(traceId, entry); // already known to be kept: send it on rather than lose it
        continue;
      }
      this.pending.delete(traceId);
      this.counters.bufferedSpans -= entry.ended.length;
      this.remember(traceId, false);
      evicted++;
    }
    if (evicted > 0) {
      this.counters.evictedTraces += evicted;
      diag.warn(
        `error-aware sampling buffer is full (${this.options.maxSpans} spans): dropped ${evicted} undecided ` +
          `traces, ${this.counters.evictedTraces} in all; raise OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS or lower traffic`,
      );
    }
  }

  /** Decides traces that waited longer than the time-to-live, with the spans that did end. */
  private expire(): void {
    const deadline = this.now() - this.options.ttlMs;
    for (const [traceId, entry] of this.pending) {
      if (entry.startedAt > deadline) break; // insertion order is start order
      this.counters.expiredTraces++;
      this.decide(traceId, entry);
    }
  }
}

/** An error, for keeping: ERROR status, an HTTP server span answering 5xx, or an exception event. */
export function isError(span: ReadableSpan): boolean {
  if (span.status.code === SpanStatusCode.ERROR) return true;
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  if (span.kind === SpanKind.SERVER && typeof status === 'number' && status >= 500) return true;
  return span.events.some((event) => event.name === 'exception');
}

function isLocalRoot(span: ReadableSpan): boolean {
  return !span.parentSpanContext || span.parentSpanContext.isRemote === true;
}

function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1000 + span.duration[1] / 1e6;
}

/**
 * The same span with its sampled flag set, so the batch processor exports it, and on the local root the reason it
 * was kept. The span itself is not touched: it has ended and is read-only.
 */
function asSampled(span: ReadableSpan, reason: KeepReason | undefined): ReadableSpan {
  const context = span.spanContext();
  const sampledContext = { ...context, traceFlags: context.traceFlags | TraceFlags.SAMPLED };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => sampledContext,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: reason ? { ...span.attributes, [SAMPLING_REASON]: reason } : span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
