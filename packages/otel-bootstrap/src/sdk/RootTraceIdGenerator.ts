import { RandomIdGenerator } from '@opentelemetry/sdk-trace';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * The tracer provider's IdGenerator: its delegate's ids (the SDK's random ones, all 16 bytes of a trace id random),
 * except for a root whose trace id a context names (see propagation/external-trace-id.ts). The SDK's Tracer asks
 * for a root's trace id without the context, so the id is handed over for the one synchronous `startSpan` call that
 * makes that root: {@link withTraceId}.
 */
export class RootTraceIdGenerator implements IdGenerator {
  private next: string | undefined;
  private nextSpanId: string | undefined;

  constructor(private readonly delegate: IdGenerator = new RandomIdGenerator()) {}

  generateTraceId(): string {
    const traceId = this.next ?? this.delegate.generateTraceId();
    this.next = undefined;
    return traceId;
  }

  generateSpanId(): string {
    const spanId = this.nextSpanId ?? this.delegate.generateSpanId();
    this.nextSpanId = undefined;
    return spanId;
  }

  /** Runs `start`, whose new root (if it makes one) gets `traceId`. */
  withTraceId<T>(traceId: string, start: () => T): T {
    return this.withIds(traceId, undefined, start);
  }

  /**
   * Runs `start`, whose span gets these ids (a span id too when given: a kept pending span made again by the SDK,
   * sdk/pending-spans.ts).
   */
  withIds<T>(traceId: string, spanId: string | undefined, start: () => T): T {
    this.handOver(traceId, spanId);
    try {
      return start();
    } finally {
      this.handOver(undefined, undefined);
    }
  }

  /** The ids the next span gets, until taken or handed over again: {@link withIds} without a closure. */
  handOver(traceId: string | undefined, spanId: string | undefined): void {
    this.next = traceId;
    this.nextSpanId = spanId;
  }
}
