import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { rememberAttributeSet } from '../metrics/attribute-set-hashes';
import { durationOptions, HTTP_DURATION_BOUNDARIES, LazyHistogram } from './LazyHistogram';

// `messaging.process.duration` for amqplib consumers, from upstream instrumentation-amqplib's hooks: consumeHook
// when a message is delivered, consumeEndHook when it is acked, nacked or rejected (or at once after the handler,
// for noAck consumers). Upstream calls both for every message, sampled or not. The messaging metrics are still
// "Development" in the semantic conventions (as are the messaging span attributes), so names and attributes may
// change upstream; the advised boundaries are the HTTP ones. `messaging.client.operation.duration` for publish is
// left out: amqplib's publish only writes to a buffer, and upstream offers a hook after it only on confirm
// channels. Attributes: messaging.system, messaging.operation.name, messaging.operation.type,
// messaging.destination.name (the exchange, or the queue for the default exchange), error.type when rejected.

const PROCESS_DURATION = new LazyHistogram(
  '@org/otel-bootstrap/amqplib',
  '0.1.0',
  'messaging.process.duration',
  durationOptions('Duration of processing operation.', HTTP_DURATION_BOUNDARIES),
);

interface Delivery {
  readonly fields: { readonly exchange: string; readonly routingKey: string };
}
interface Processing {
  readonly start: number;
  readonly context: Context;
}

const PROCESSING = new WeakMap<object, Processing>();
const MAX_CACHED = 500;
const CACHE = new Map<string, Attributes>();

/** For consumeHook: the message's processing starts. */
export function startProcessing(span: Span, msg: Delivery): void {
  const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
  PROCESSING.set(msg, {
    start: performance.now(),
    context: sampled ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT,
  });
}

/** For consumeEndHook: records how long the message took, from delivery to its ack, nack or reject. */
export function endProcessing(msg: Delivery, rejected: boolean | null | undefined, endOperation: string): void {
  const processing = PROCESSING.get(msg);
  if (!processing) return;
  PROCESSING.delete(msg);
  const destination = msg.fields.exchange || msg.fields.routingKey;
  const errorType = rejected === true ? String(endOperation) : undefined;
  const key = `${destination} ${errorType}`;
  let attributes = CACHE.get(key);
  if (!attributes) {
    attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.name': 'consume',
      'messaging.operation.type': 'process',
      'messaging.destination.name': destination,
    };
    if (errorType) attributes['error.type'] = errorType;
    if (CACHE.size < MAX_CACHED) CACHE.set(key, rememberAttributeSet(attributes));
  }
  PROCESS_DURATION.record((performance.now() - processing.start) / 1000, attributes, processing.context);
}
