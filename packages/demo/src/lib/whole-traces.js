// Puts the spans that five services export separately back together, one trace at a time. Each service sends its
// spans in batches, so one trace arrives in pieces, from several services, in any order; the root (the gateway's
// server span) often comes before the spans of the order's RabbitMQ half, which runs after the gateway answered.
// A trace counts as whole once its root has arrived and no span of it has arrived for `quietMs`: a little more than
// the services' batch delay, the longest two pieces of one trace can be apart.

/** How long a trace with no root waits before it is handed out anyway: its root may never come (a dropped batch). */
const ROOTLESS_AFTER_MS = 15_000;
/** How long a handed-out trace id is remembered, so a span that comes later is counted, not shown as a new trace. */
const REMEMBER_MS = 60_000;

class WholeTraces {
  constructor({ quietMs, now = Date.now }) {
    this.quietMs = quietMs;
    this.now = now;
    /** traceId -> { spans, rootAt, lastAt } */
    this.pending = new Map();
    /** traceId -> when it was handed out */
    this.done = new Map();
    /** Spans that arrived after their trace was handed out. */
    this.lateSpans = 0;
  }

  add(spans) {
    const now = this.now();
    for (const span of spans) {
      if (this.done.has(span.traceId)) {
        this.lateSpans++;
        continue;
      }
      let trace = this.pending.get(span.traceId);
      if (!trace) {
        trace = { spans: [], rootAt: undefined, lastAt: now };
        this.pending.set(span.traceId, trace);
      }
      trace.spans.push(span);
      trace.lastAt = now;
      if (!span.parentSpanId) trace.rootAt ??= now;
    }
  }

  /** The traces that are whole by now, each handed out once, earliest started first. */
  takeWhole() {
    const now = this.now();
    const whole = [];
    for (const [traceId, trace] of this.pending) {
      const quiet = now - trace.lastAt;
      const rooted = trace.rootAt !== undefined;
      if (rooted ? quiet < this.quietMs : quiet < ROOTLESS_AFTER_MS) continue;
      this.pending.delete(traceId);
      this.done.set(traceId, now);
      whole.push({ traceId, spans: trace.spans, rooted });
    }
    for (const [traceId, at] of this.done) {
      // A Map iterates in insertion order, which here is the order of handing out.
      if (now - at < REMEMBER_MS) break;
      this.done.delete(traceId);
    }
    return whole.sort((a, b) => (startOf(a) < startOf(b) ? -1 : 1));
  }
}

function startOf(trace) {
  return trace.spans.reduce((min, span) => (span.startTimeUnixNano < min ? span.startTimeUnixNano : min), 2n ** 64n);
}

module.exports = { WholeTraces };
