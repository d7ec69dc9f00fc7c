import { SpanStatusCode } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { recordProcessDuration } from '../amqp-metrics';

/** How a consumer span ends: upstream's EndOperation values, which its status messages and `error.type` quote. */
export type EndOperation =
  | 'auto ack'
  | 'ack'
  | 'ackAll'
  | 'reject'
  | 'nack'
  | 'nackAll'
  | 'channel closed'
  | 'channel error'
  | 'instrumentation timeout';

/** A message as the consumer got it: what ending its span reads. */
export interface Message {
  readonly fields: { readonly exchange: string; readonly routingKey: string; readonly deliveryTag?: number };
}

/** A delivered message whose consumer span has not ended yet. */
export interface Delivery {
  readonly message: Message;
  readonly span: Span;
  /** performance.now() at delivery: for the process duration and the instrumentation timeout. */
  readonly start: number;
  /** The context its duration is recorded in (for exemplars), or undefined when metrics are off. */
  readonly metricContext: Context | undefined;
}

/**
 * Ends a consumer span as upstream's instrumentation does: rejected messages (and `null`, a timeout) get an ERROR
 * status saying what was called, and the processing duration is recorded.
 */
export function endDelivery(
  delivery: Delivery,
  rejected: boolean | null,
  operation: EndOperation,
  requeue?: unknown,
): void {
  const { span, message } = delivery;
  if (rejected !== false) {
    const requeued = requeue === true ? ' with requeue' : requeue === false ? ' without requeue' : '';
    const message =
      operation === 'channel closed' || operation === 'channel error'
        ? operation
        : `${operation} called on message${requeued}`;
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  if (delivery.metricContext) {
    recordProcessDuration(message, rejected, operation, delivery.start, delivery.metricContext);
  }
  span.end();
}

/**
 * One channel's deliveries whose consumer spans are still open, in delivery order: an ack with `allUpTo` ends every
 * one before it, as the broker acknowledges them. The app acks in order almost always, so the one it acks is
 * nearly always the first.
 */
export class UnendedDeliveries {
  private readonly deliveries: Delivery[] = [];

  add(delivery: Delivery): void {
    this.deliveries.push(delivery);
  }

  /** Ends the span of `message` (and, with `allUpTo`, of every delivery before it); nothing if it has none open. */
  end(message: unknown, allUpTo: boolean, rejected: boolean, operation: EndOperation, requeue: unknown): void {
    const index = this.indexOf(message);
    if (index < 0) return;
    if (allUpTo) {
      for (const delivery of this.deliveries.splice(0, index + 1)) endDelivery(delivery, rejected, operation, requeue);
    } else {
      endDelivery(this.deliveries.splice(index, 1)[0], rejected, operation, requeue);
    }
  }

  /** Ends every open span: ackAll, nackAll, and the channel's close or error. */
  endAll(rejected: boolean, operation: EndOperation, requeue?: unknown): void {
    for (const delivery of this.deliveries.splice(0)) endDelivery(delivery, rejected, operation, requeue);
  }

  /** Ends, as timed out, the spans of deliveries older than `timeoutMs`. */
  endOlderThan(timeoutMs: number): void {
    const now = performance.now();
    let count = 0;
    while (count < this.deliveries.length && now - this.deliveries[count].start >= timeoutMs) count++;
    for (const delivery of this.deliveries.splice(0, count))
      endDelivery(delivery, null, 'instrumentation timeout', true);
  }

  /**
   * The message itself, or else one with its delivery tag, unique on a channel: an app that acks a copy of the
   * message (`{ ...msg }`, as some wrappers do) still ends its span, as upstream's does through a property the copy
   * carries over.
   */
  private indexOf(message: unknown): number {
    const { deliveries } = this;
    for (let i = 0; i < deliveries.length; i++) if (deliveries[i].message === message) return i;
    const tag = (message as Partial<Message> | null | undefined)?.fields?.deliveryTag;
    if (typeof tag !== 'number') return -1;
    for (let i = 0; i < deliveries.length; i++) if (deliveries[i].message.fields.deliveryTag === tag) return i;
    return -1;
  }
}
