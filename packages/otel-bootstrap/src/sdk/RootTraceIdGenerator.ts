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

  constructor(private readonly delegate: IdGenerator = new RandomIdGenerator()) {}

  generateTraceId(): string {
    const traceId = this.next ?? this.delegate.generateTraceId();
    this.next = undefined;
    return traceId;
  }

  generateSpanId(): string {
    return this.delegate.generateSpanId();
  }

  /** Runs `start`, whose new root (if it makes one) gets `traceId`. */
  withTraceId<T>(traceId: string, start: () => T): T {
    this.next = traceId;
    try {
      return start();
    } finally {
      this.next = undefined;
    }
  }
}
