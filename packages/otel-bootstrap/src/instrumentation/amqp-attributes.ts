import type { Span } from '@opentelemetry/api';

/**
 * The current messaging semantic conventions on amqplib spans. The upstream instrumentation still writes the old
 * experimental names (`messaging.destination`, `messaging.operation`, `messaging.rabbitmq.routing_key`), so these hooks
 * add `messaging.destination.name`, `messaging.operation.type` / `.name` and the routing key under its current
 * name. The old names stay, so existing dashboards keep working.
 *
 * `messaging.destination.name` is the exchange, or the routing key (the queue) when the default exchange is used:
 * the convention's empty string for the default exchange says nothing about where a message went.
 */
export function onPublish(span: Span, info: { exchange: string; routingKey: string }): void {
  span.setAttributes({
    'messaging.destination.name': info.exchange || info.routingKey,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    'messaging.rabbitmq.destination.routing_key': info.routingKey,
  });
}

export function onConsume(
  span: Span,
  info: { msg: { fields: { exchange: string; routingKey: string; deliveryTag: number } } },
): void {
  const { exchange, routingKey, deliveryTag } = info.msg.fields;
  span.setAttributes({
    'messaging.destination.name': exchange || routingKey,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'consume',
    'messaging.rabbitmq.destination.routing_key': routingKey,
    'messaging.rabbitmq.message.delivery_tag': deliveryTag,
  });
}
