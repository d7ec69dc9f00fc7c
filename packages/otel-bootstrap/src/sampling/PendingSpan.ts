import { diag, SpanStatusCode } from '@opentelemetry/api';
import type {
  Attributes,
  AttributeValue,
  Exception,
  HrTime,
  Link,
  Span,
  SpanContext,
  SpanKind,
  SpanOptions,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import {
  addHrTimes,
  hrTime,
  hrTimeDuration,
  isTimeInput,
  isTimeInputHrTime,
  millisToHrTime,
} from '@opentelemetry/core';
import type { Piece } from './DeferredDecisionProcessor';

/** Where a pending span comes from: who decides its trace, and how it becomes an SDK span if kept. */
export interface PendingSpanOrigin {
  /** Told once, when the span ends. */
  ended(span: PendingSpan): void;
  /** Makes the SDK span this one would have been, sampled, with `attributes` added, and ends it. */
  replay(span: PendingSpan, attributes: Attributes | undefined): void;
}

/** An event as the app added it, with its time taken when it was added; an exception is recorded by the SDK later. */
export interface PendingEvent {
  readonly name: string;
  readonly attributes?: Attributes;
  readonly exception?: Exception;
  readonly time: HrTime;
}

/**
 * A span of an unsampled local trace while error keeping waits to decide it: what the app and the instrumentations
 * set on it, raw, and its timings. Nothing is cleaned, limited or handed to a span processor here; a kept span is
 * made into the SDK span it would have been by replaying this record through the SDK's own Tracer (see
 * sdk/pending-spans.ts), and a dropped one costs no more than this object.
 *
 * Recording every unsampled span as an SDK span made error keeping at 10% cost nearly as much as 100% sampling: the
 * SDK cleans attributes twice a span, and every span went through the processors (redaction included) to be dropped
 * (bench/findings.md, "Error keeping without SDK spans").
 *
 * Its times follow the SDK span's rules (millisecond start, then a monotonic clock from it), so a replayed span has
 * the times it would have had. One difference: an attribute later set to an invalid value replaces the earlier valid
 * one here and is then dropped by the SDK at replay, where the SDK would have kept the earlier value.
 */
export class PendingSpan implements Span {
  /** The local part of a trace it belongs to: set by DeferredDecisionProcessor when it starts. */
  piece: Piece | undefined;
  name: string;
  readonly attributes: Attributes;
  links: Link[] | undefined;
  events: PendingEvent[] | undefined;
  status: SpanStatus = UNSET;
  private readonly wallStart: number;
  private readonly performanceStart: number;
  private readonly startTimeGiven: boolean;
  /**
   * Its times as HrTime, made when first read (most pending spans are dropped unread). Until then the start is
   * `wallStart` and the end `performanceEnd`: three HrTime arrays a span fewer (bench/findings.md, "Pending spans'
   * times when read").
   */
  private startHrTime: HrTime | undefined;
  private endHrTime: HrTime | undefined;
  private performanceEnd: number | undefined;
  private ended = false;

  constructor(
    readonly origin: PendingSpanOrigin,
    private readonly context: SpanContext,
    name: string,
    readonly kind: SpanKind,
    readonly parentSpanContext: SpanContext | undefined,
    options: SpanOptions | undefined,
    samplerAttributes: Attributes | undefined,
  ) {
    this.name = name;
    this.wallStart = Date.now();
    this.performanceStart = performance.now();
    this.startTimeGiven = options?.startTime != null;
    if (this.startTimeGiven) this.startHrTime = this.timeOf(options!.startTime);
    // Copied: the caller may reuse or change its object before a decision is made. A spread, not Object.assign:
    // 26 against 129 ns for a server span's 8 attributes.
    this.attributes = samplerAttributes ? { ...options?.attributes, ...samplerAttributes } : { ...options?.attributes };
    this.links = options?.links?.slice();
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get startTime(): HrTime {
    return (this.startHrTime ??= millisToHrTime(this.wallStart));
  }

  get endTime(): HrTime | undefined {
    if (this.endHrTime === undefined && this.performanceEnd !== undefined) {
      this.endHrTime = addHrTimes(this.startTime, millisToHrTime(this.performanceEnd - this.performanceStart));
    }
    return this.endHrTime;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.isEnded() && value !== undefined) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.isEnded()) return this;
    let attributes = attributesOrTime as Attributes | undefined;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributes = undefined;
    }
    (this.events ??= []).push({ name, attributes: attributes && { ...attributes }, time: this.timeOf(time) });
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    if (this.isEnded()) return;
    if (!isRecordable(exception)) {
      diag.warn(`Failed to record an exception ${String(exception)}`);
      return;
    }
    (this.events ??= []).push({ name: 'exception', exception, time: this.timeOf(time) });
  }

  addLink(link: Link): this {
    if (!this.isEnded()) (this.links ??= []).push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.isEnded() || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const message = status.code === SpanStatusCode.ERROR ? status.message : undefined;
    this.status = typeof message === 'string' ? { code: status.code, message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.isEnded()) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      // The SDK says this at error level; sdk/upstream-messages.ts lowers it to debug, as here.
      diag.debug(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    this.ended = true;
    if (endTime === undefined && !this.startTimeGiven) this.performanceEnd = performance.now();
    else this.endHrTime = this.timeOf(endTime);
    this.origin.ended(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /** How long it ran, in milliseconds (0 while it runs). */
  durationMs(): number {
    const endTime = this.endTime;
    if (endTime === undefined) return 0;
    const [seconds, nanos] = hrTimeDuration(this.startTime, endTime);
    return seconds * 1000 + nanos / 1e6;
  }

  private isEnded(): boolean {
    if (!this.ended) return false;
    const { traceId, spanId } = this.context;
    diag.warn(`Cannot execute the operation on ended Span {traceId: ${traceId}, spanId: ${spanId}}`);
    return true;
  }

  /** A time the app gave (or now), as the SDK span turns it into its own: epoch, Date, performance time, HrTime. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number') {
      if (input > performance.now()) return millisToHrTime(input);
      return hrTime(input + this.wallStart - (this.performanceStart + performance.timeOrigin));
    }
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    if (this.startTimeGiven) return millisToHrTime(Date.now());
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.performanceStart));
  }
}

/** The status every span starts with: shared, since a status is replaced, never changed. */
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** What the SDK's recordException turns into an event: a string, or an object with a code, name or message. */
function isRecordable(exception: Exception): boolean {
  if (typeof exception === 'string') return exception !== '';
  return Boolean(exception && (exception.code || exception.name || exception.message));
}
