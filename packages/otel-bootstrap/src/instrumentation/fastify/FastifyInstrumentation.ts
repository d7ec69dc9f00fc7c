import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context, diag, SpanStatusCode } from '@opentelemetry/api';
import type { Exception, Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';

// Why not @fastify/otel (0.21): it wraps addHook, setNotFoundHandler, every hook and the handler of each fastify
// instance, which changed 28 results of fastify's own test suite (a rejection with null reached the error handler
// as a TypeError, addHook lost its own error codes, setNotFoundHandler stopped returning the instance, hooks and
// plugins were added); and it pulls in its own @opentelemetry/instrumentation ^0.222 and core ^2, whose api peer
// range (< 1.10) gives npm ERESOLVE warnings next to ours. Fastify 5 publishes what a tracer needs on diagnostics
// channels (docs/Reference/Hooks.md, "Diagnostics Channel Hooks"), so this one only listens: it adds no hook, wraps
// nothing, and starts no span of its own (docs/instrumentation.md says why there is no handler span).

/**
 * Published by fastify ≥ 5 around each route handler; `:start` runs before the handler, in the request's context.
 * The 404 handler publishes nothing, so a request no route matched keeps a span without `http.route`.
 */
const HANDLER_START = 'tracing:fastify.request.handler:start';
/** Published when the handler throws or its promise rejects, after fastify has set the answer's status from it. */
const HANDLER_ERROR = 'tracing:fastify.request.handler:error';

/** What fastify publishes on the handler's channels: the same object for every event of one request. */
interface HandlerMessage {
  /** The matched route: `url` is the template with the plugin prefix (`/api/orders/:id`). */
  readonly route?: { readonly url?: unknown };
  readonly reply?: { readonly statusCode?: unknown };
  readonly error?: unknown;
}

/**
 * fastify's route for the SERVER span of the request (`http.route`, and the span name `GET /api/orders/:id`), and the
 * errors its handlers throw, taken from the diagnostics channels fastify publishes. Nothing of fastify is patched,
 * so it needs no module hook: it subscribes when created, whether the app requires or imports fastify, before or
 * after. A subscription costs nothing until fastify publishes.
 *
 * It needs a SERVER span whose context carries RPCMetadata (`setRPCMetadata` from `@opentelemetry/core`), as ours in
 * `http-server/` and upstream's `@opentelemetry/instrumentation-http` both set; elsewhere (`fastify.inject`) it does
 * nothing.
 */
export class FastifyInstrumentation implements Instrumentation {
  readonly instrumentationName = '@org/otel-bootstrap/fastify';
  readonly instrumentationVersion = '0.1.0';
  private config: InstrumentationConfig;
  private subscribed = false;
  private readonly onStart = (message: unknown) => guard(() => setRoute(message as HandlerMessage));
  private readonly onError = (message: unknown) => guard(() => recordError(message as HandlerMessage));

  /** Subscribes at once, unless `config.enabled` is false, as upstream's instrumentations enable themselves. */
  constructor(config: InstrumentationConfig = {}) {
    this.config = { enabled: true, ...config };
    if (this.config.enabled) this.enable();
  }

  /** Subscribes to fastify's channels; calling it again changes nothing. */
  enable(): void {
    if (this.subscribed) return;
    subscribe(HANDLER_START, this.onStart);
    subscribe(HANDLER_ERROR, this.onError);
    this.subscribed = true;
  }

  /** Unsubscribes; with no subscriber left, fastify skips its diagnostics work per request again. */
  disable(): void {
    if (!this.subscribed) return;
    unsubscribe(HANDLER_START, this.onStart);
    unsubscribe(HANDLER_ERROR, this.onError);
    this.subscribed = false;
  }

  /** Unused: it starts no spans; it annotates the SERVER span the http instrumentation started. */
  setTracerProvider(): void {}

  /** Unused: it records no metrics. */
  setMeterProvider(): void {}

  /** Replaces the config, as InstrumentationBase does; `enabled` takes effect through enable() and disable(). */
  setConfig(config: InstrumentationConfig): void {
    this.config = { enabled: true, ...config };
  }

  getConfig(): InstrumentationConfig {
    return this.config;
  }
}

/** The SERVER span's route, which the http instrumentation writes as `http.route` and into the name at the end. */
function setRoute(message: HandlerMessage): void {
  const url = message.route?.url;
  if (typeof url !== 'string') return;
  const rpcMetadata = getRPCMetadata(context.active());
  if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = url;
}

/** Errors already on a span, per request, so a rejection that an async error handler rethrows is recorded once. */
const RECORDED = new WeakMap<HandlerMessage, unknown>();

/**
 * Records what the handler threw on the SERVER span, exactly as thrown: fastify hands the same value on, untouched.
 * ERROR status only for a 5xx answer, which fastify has set from the error by now: the HTTP semantic conventions
 * leave a SERVER span's status unset for a 4xx (a client's mistake), and the response's status decides at the end.
 */
function recordError(message: HandlerMessage): void {
  const { error } = message;
  if (RECORDED.has(message) && RECORDED.get(message) === error) return;
  const span: Span | undefined = getRPCMetadata(context.active())?.span;
  if (!span?.isRecording()) return;
  RECORDED.set(message, error);
  span.recordException(asException(error));
  const status = message.reply?.statusCode;
  if (typeof status === 'number' && status >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
  }
}

/** Anything can be thrown; the SDK records Error-like objects and strings, so the rest become their text. */
function asException(error: unknown): Exception {
  if (typeof error === 'object' && error !== null && ('message' in error || 'name' in error || 'code' in error)) {
    return error as Exception;
  }
  return String(error);
}

function messageOf(error: unknown): string {
  const text = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof text === 'string' ? text : String(error);
}

let reported = false;

/**
 * Runs a subscriber's work so that nothing reaches fastify: Node reports a subscriber's exception as an uncaught
 * exception, which would end the app. A failure costs only the attributes; it is reported once.
 */
function guard(work: () => void): void {
  try {
    work();
  } catch (error) {
    if (reported) return;
    reported = true;
    try {
      diag.error('fastify instrumentation: could not annotate a span; requests go on untouched', error);
    } catch {
      // a diag logger of the app's that throws must not reach fastify either
    }
  }
}
