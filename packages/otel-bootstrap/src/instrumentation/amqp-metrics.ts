import type { Attributes, Context, Span } from '@opentelemetry/api';
import { rememberAttributeSet } from '../metrics/attribute-set-hashes';
import { durationOptions, exemplarContext, HTTP_DURATION_BOUNDARIES, LazyHistogram } from './LazyHistogram';

// `messaging.process.duration` for amqplib consumers: from delivery to the message's ack, nack or reject (or the end
// of the handler, for noAck consumers), for every message, sampled or not. Our instrumentation (amqplib/) records it
// itself; under upstream's, its hooks do: consumeHook when a message is delivered, consumeEndHook when it ends. The
// messaging metrics are still "Development" in the semantic conventions (as are the messaging span attributes), so
// names and attributes may change upstream; the advised boundaries are the HTTP ones.
// `messaging.client.operation.duration` for publish is left out: amqplib's publish only writes to a buffer, and
// upstream offers a hook after it only on confirm channels. Attributes: messaging.system, messaging.operation.name,
// messaging.operation.type, messaging.destination.name (the exchange, or the queue for the default exchange),
// error.type when rejected.

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
  PROCESSING.set(msg, { start: performance.now(), context: exemplarContext(span) });
}

/** For consumeEndHook: records how long the message took, from delivery to its ack, nack or reject. */
export function endProcessing(msg: Delivery, rejected: boolean | null | undefined, endOperation: string): void {
  const processing = PROCESSING.get(msg);
  if (!processing) return;
  PROCESSING.delete(msg);
  recordProcessDuration(msg, rejected, endOperation, processing.start, processing.context);
}

/**
 * Records a message's processing, from `start` (performance.now() at delivery) to now. `rejected` and `endOperation`
 * are what upstream passes its consumeEndHook: `error.type` is the operation when the message was rejected.
 */
export function recordProcessDuration(
  msg: Delivery,
  rejected: boolean | null | undefined,
  endOperation: string,
  start: number,
  context: Context,
): void {
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
  PROCESS_DURATION.record((performance.now() - start) / 1000, attributes, context);
}
