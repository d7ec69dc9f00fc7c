import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { connectionAttributes, UNKNOWN_CONNECTION } from './connection-attributes';
import type { ConnectionAttributes, ConnectTarget } from './connection-attributes';
import type { Message } from './unended-deliveries';

// The spans of one message, publish and consume, with upstream instrumentation-amqplib 0.71.0's names and attributes
// and our current messaging attributes (amqp-attributes.ts adds them under upstream's), and the trace context a
// published message carries.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- patched methods keep whatever `this` amqplib gives them
export type AnyFunction = (this: any, ...args: any[]) => any;

const CONNECTION_ATTRIBUTES = Symbol('otel-bootstrap.amqplib.connection-attributes');

export interface Connection {
  [CONNECTION_ATTRIBUTES]?: ConnectionAttributes;
  readonly serverProperties?: { readonly product?: unknown };
}
/** What a channel's spans read of it. */
export interface Channel {
  readonly connection?: Connection;
}
export interface PublishOptions {
  headers?: Record<string, unknown>;
  messageId?: string;
  correlationId?: string;
}
export interface ConsumedMessage extends Message {
  readonly fields: { readonly exchange: string; readonly routingKey: string; readonly deliveryTag: number };
  readonly properties: { readonly headers?: Record<string, unknown>; messageId?: string; correlationId?: string };
}

/** The PRODUCER span of a publish: `publish <exchange>`, or `publish <default>`. */
export function startPublishSpan(
  tracer: Tracer,
  channel: Channel,
  exchange: string,
  routingKey: string,
  options: PublishOptions | undefined,
): Span {
  const connection = channel.connection?.[CONNECTION_ATTRIBUTES] ?? UNKNOWN_CONNECTION;
  return tracer.startSpan(`publish ${exchange !== '' ? exchange : '<default>'}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.protocol_version': connection['messaging.protocol_version'],
      'messaging.url': connection['messaging.url'],
      'messaging.protocol': connection['messaging.protocol'],
      'server.address': connection['server.address'],
      'server.port': connection['server.port'],
      'messaging.system': connection['messaging.system'],
      'messaging.destination': exchange,
      'messaging.destination_kind': 'topic',
      'messaging.rabbitmq.routing_key': routingKey,
      'messaging.message_id': options?.messageId,
      'messaging.conversation_id': options?.correlationId,
      // ours (amqp-attributes.ts under upstream's)
      'messaging.destination.name': exchange || routingKey,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.rabbitmq.destination.routing_key': routingKey,
    },
  });
}

/** The CONSUMER span of a delivery, `<queue> process`, a child of the context its headers carried. */
export function startConsumeSpan(
  tracer: Tracer,
  channel: Channel,
  queue: string,
  message: ConsumedMessage,
  parent: Context,
): Span {
  const { exchange, routingKey, deliveryTag } = message.fields;
  const connection = channel.connection?.[CONNECTION_ATTRIBUTES] ?? UNKNOWN_CONNECTION;
  return tracer.startSpan(
    `${queue} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.protocol_version': connection['messaging.protocol_version'],
        'messaging.url': connection['messaging.url'],
        'messaging.protocol': connection['messaging.protocol'],
        'server.address': connection['server.address'],
        'server.port': connection['server.port'],
        'messaging.system': connection['messaging.system'],
        'messaging.destination': exchange,
        'messaging.destination_kind': 'topic',
        'messaging.rabbitmq.routing_key': routingKey,
        'messaging.operation': 'process',
        'messaging.message_id': message.properties.messageId,
        'messaging.conversation_id': message.properties.correlationId,
        // ours (amqp-attributes.ts under upstream's)
        'messaging.destination.name': exchange || routingKey,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'consume',
        'messaging.rabbitmq.destination.routing_key': routingKey,
        'messaging.rabbitmq.message.delivery_tag': deliveryTag,
      },
    },
    parent,
  );
}

/**
 * The app's options with the span's trace context in their headers, the app's objects left as they are. The copies
 * inherit from the app's objects instead of copying their own properties: amqplib reads options by property and
 * headers with for...in (it makes its own headers that way), so inherited settings, `persistent` from a prototype
 * say, still count.
 */
export function withTraceContext(span: Span, options: PublishOptions | undefined): PublishOptions {
  const appOptions = typeof options === 'object' && options !== null ? options : null;
  const appHeaders = appOptions?.headers;
  const headers = Object.create(typeof appHeaders === 'object' ? appHeaders : null) as Record<string, unknown>;
  propagation.inject(trace.setSpan(context.active(), span), headers);
  const copy = Object.create(appOptions) as PublishOptions;
  copy.headers = headers;
  return copy;
}

/** Wraps amqplib's connect: a connection gets its attributes once, when it opens. */
export function rememberConnectionAttributes(original: AnyFunction): AnyFunction {
  return function connect(this: unknown, target: ConnectTarget, socketOptions: unknown, openCallback: AnyFunction) {
    return original.call(
      this,
      target,
      socketOptions,
      function (this: unknown, error: unknown, connection?: Connection) {
        if (error == null && connection) {
          connection[CONNECTION_ATTRIBUTES] = connectionAttributes(target, connection.serverProperties?.product);
        }
        return openCallback.call(this, error, connection);
      },
    );
  };
}

/** A publish amqplib refused (a closed channel, a bad argument): upstream leaves such a span open, never exported. */
export function failedPublish(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { message?: string } | undefined)?.message });
}
