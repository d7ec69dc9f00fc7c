import type { AnyFunction, Channel } from './message-spans';
import { UnendedDeliveries } from './unended-deliveries';
import type { EndOperation } from './unended-deliveries';

// A channel's consumer spans end with the app's ack, nack, reject, ackAll and nackAll, with the channel's close or
// error, or after upstream's default consume timeout.

/** Upstream's default consumeTimeoutMs: a consumer span still open after this long is ended as timed out. */
const CONSUME_TIMEOUT_MS = 60_000;
const UNENDED = Symbol('otel-bootstrap.amqplib.unended-deliveries');
const TIMEOUT_TIMER = Symbol('otel-bootstrap.amqplib.timeout-timer');

interface ConsumingChannel extends Channel {
  [UNENDED]?: UnendedDeliveries;
  [TIMEOUT_TIMER]?: ReturnType<typeof setInterval>;
}

/** The channel's open consumer spans, made with its first consumer, whose timeout sweep starts with them. */
export function unendedDeliveries(channel: ConsumingChannel): UnendedDeliveries {
  let unended = channel[UNENDED];
  if (!unended) {
    const deliveries = (unended = channel[UNENDED] = new UnendedDeliveries());
    const timer = setInterval(() => deliveries.endOlderThan(CONSUME_TIMEOUT_MS), CONSUME_TIMEOUT_MS);
    timer.unref();
    channel[TIMEOUT_TIMER] = timer;
  }
  return unended;
}

/** ack, nack and reject: end the message's consumer span (and with allUpTo, those before it) first. */
export function ending(original: AnyFunction, rejected: boolean, operation: EndOperation): AnyFunction {
  return function endThenCall(this: ConsumingChannel, message: unknown, allUpToOrRequeue?: unknown, requeue?: unknown) {
    const unended = this[UNENDED];
    if (unended) {
      const allUpTo = operation !== 'reject' && Boolean(allUpToOrRequeue);
      unended.end(message, allUpTo, rejected, operation, operation === 'reject' ? allUpToOrRequeue : requeue);
    }
    return original.call(this, message, allUpToOrRequeue, requeue);
  };
}

/** ackAll and nackAll: end every open consumer span of the channel first. */
export function endingAll(original: AnyFunction, rejected: boolean, operation: EndOperation): AnyFunction {
  return function endAllThenCall(this: ConsumingChannel, requeue?: unknown) {
    this[UNENDED]?.endAll(rejected, operation, requeue);
    return original.call(this, requeue);
  };
}

/** A channel's close or error ends its open consumer spans; close also stops its timeout sweep. */
export function endingOnCloseOrError(original: AnyFunction): AnyFunction {
  return function emit(this: ConsumingChannel, event: unknown, ...args: unknown[]) {
    if (event === 'close') {
      this[UNENDED]?.endAll(true, 'channel closed');
      clearInterval(this[TIMEOUT_TIMER]);
      this[TIMEOUT_TIMER] = undefined;
    } else if (event === 'error') {
      this[UNENDED]?.endAll(true, 'channel error');
    }
    return original.call(this, event, ...args);
  };
}
