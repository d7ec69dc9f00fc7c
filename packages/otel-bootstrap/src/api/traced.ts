import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { externalTraceId, setExternalTraceId } from '../propagation/external-trace-id';

const TRACER_NAME = '@org/otel-bootstrap';

/**
 * Runs `fn` in a new active span named `name`, then ends the span. The return value (or the resolved value of a
 * promise) passes through. A throw or rejection is recorded as an exception event, sets ERROR status with its
 * message, and is rethrown unchanged. Works whether or not tracing is on.
 *
 * @example
 *   const order = await traced('create-order', () => db.insert(order), { 'order.id': id });
 */
export function traced<T>(name: string, fn: (span: Span) => T, attributes?: Attributes): T {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, (span) => runInSpan(span, fn));
}

/** Options for {@link withNewTrace}. */
export interface NewTraceOptions {
  /**
   * The job's own id (a message id, a request id). It is recorded as `app.correlation_id`. When it is 32 hex digits
   * or a UUID it also becomes the trace id, so logs keyed by it and the trace match; any other value never does.
   */
  readonly correlationId?: string;
  readonly attributes?: Attributes;
}

/**
 * Runs `fn` as the root of a trace of its own, whatever is active: one trace per background job, cron run or queue
 * batch. Nested calls start further traces; the outer context is active again afterwards.
 */
export function withNewTrace<T>(name: string, fn: (span: Span) => T, options: NewTraceOptions = {}): T {
  const attributes: Attributes = { ...options.attributes };
  if (options.correlationId !== undefined)
    attributes['app.correlation_id'] = String(options.correlationId).slice(0, 256);
  const traceId = externalTraceId(options.correlationId);
  // A trace id of our choosing rides in the context, with no span there: the span is a root with that trace id and
  // no parent, sampled as a root, exactly as for an inbound X-Trace-ID.
  const parent = traceId ? setExternalTraceId(trace.deleteSpan(context.active()), traceId) : context.active();
  const spanOptions = { kind: SpanKind.INTERNAL, root: traceId === undefined, attributes };
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, spanOptions, parent, (span) => runInSpan(span, fn));
}

/**
 * A method decorator: `@tracedMethod()` (or `@tracedMethod('name')`) runs each call of the method as
 * {@link traced} does, named `Class.method` by default. Works with standard decorators and with TypeScript's
 * `experimentalDecorators`.
 */
export function tracedMethod(name?: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return function decorate(target: any, contextOrKey: any, descriptor?: PropertyDescriptor): any {
    const wrap = (original: (...args: unknown[]) => unknown, spanName: string) =>
      function tracedCall(this: unknown, ...args: unknown[]) {
        return traced(spanName, () => original.apply(this, args));
      };
    if (descriptor && typeof descriptor.value === 'function') {
      // experimentalDecorators: (prototype, key, descriptor)
      const className = target?.constructor?.name ?? 'anonymous';
      descriptor.value = wrap(descriptor.value, name ?? `${className}.${String(contextOrKey)}`);
      return descriptor;
    }
    // Standard decorators: (method, context)
    const methodName = String(contextOrKey?.name ?? target?.name ?? 'anonymous');
    let spanName = name ?? methodName;
    contextOrKey?.addInitializer?.(function (this: { constructor?: { name?: string } }) {
      if (!name) spanName = `${this?.constructor?.name ?? 'anonymous'}.${methodName}`;
    });
    return function tracedCall(this: unknown, ...args: unknown[]) {
      return traced(spanName, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    };
  };
}

function runInSpan<T>(span: Span, fn: (span: Span) => T): T {
  let result: T;
  try {
    result = fn(span);
  } catch (error) {
    fail(span, error);
    span.end();
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

function fail(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : { name: 'Error', message: String(error) };
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

function isPromiseLike<T>(value: T): value is T & PromiseLike<Awaited<T>> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
