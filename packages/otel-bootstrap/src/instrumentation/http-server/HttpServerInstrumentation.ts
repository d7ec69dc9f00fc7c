import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { setTraceResponse } from './traceresponse';
import { requestAttributes } from './server-attributes';
import { recordServerDuration } from './server-metrics';

// Why not upstream's server side: even with the sampler off, so that no span is recorded,
// @opentelemetry/instrumentation-http adds a large part of the untraced app's CPU to each W1 request; this one adds
// less, with the sampler off and at 100% alike (bench/findings.md, "Our HTTP server instrumentation"). It keeps the
// span shape (test/e2e/http-server-parity.test.ts compares the two) and allocates no closure per request: the spans and
// the context ride on the request and response under symbols, and one shared emit wrapper runs every event of both in
// the request's context, where upstream patches six methods of each, wraps every listener (context.bind) and tracks
// open spans in a WeakSet. Client spans stay upstream's.

/** Options for {@link HttpServerInstrumentation}. */
export interface HttpServerInstrumentationConfig extends InstrumentationConfig {
  /** Set a W3C `traceresponse` header on each response when its span starts. */
  readonly traceResponse?: boolean;
  /** Record `http.server.request.duration` (default true; false when metrics are off). */
  readonly recordMetrics?: boolean;
}

/**
 * What a request or response in flight carries, under one hidden property: one definition per object instead of
 * three, each a hidden-class transition that showed in W1's profile (bench/findings.md, "One hidden property").
 */
const TRACED = Symbol('otel-bootstrap server span state');

interface OpenSpan {
  readonly span: Span;
  /** Where express and fastify report the matched route, as they do to upstream's instrumentation. */
  readonly rpcMetadata: RPCMetadata;
  /** For `http.server.request.duration`: when the request arrived (performance.now()), its start attributes. */
  readonly start: number;
  readonly attributes: Attributes;
  /** The request's context, which holds the span: the duration's exemplar points at it. */
  readonly active: Context;
  /** Whether its duration is recorded (metrics on). */
  readonly measured: boolean;
}
type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
interface TracedState {
  /** The emit it had (its own or its prototype's), which ours chains to. */
  readonly emit: Emit;
  /** The request's context, in which its events run. */
  readonly context: Context;
  /** A response's server spans not ended yet: usually one; more if the app re-emits 'request' for it. */
  readonly openSpans?: OpenSpan[];
}
type Traced = { [TRACED]?: TracedState; emit: Emit };
type TracedRequest = IncomingMessage & Traced;
type TracedResponse = ServerResponse & Traced & { req: IncomingMessage };

/**
 * SERVER spans for `node:http` and `node:https`, one per request, with upstream's attributes; and, as upstream does,
 * `http.server.request.duration` for every request, sampled or not (server-metrics.ts).
 */
export class HttpServerInstrumentation extends InstrumentationBase<HttpServerInstrumentationConfig> {
  constructor(config: HttpServerInstrumentationConfig = {}) {
    super('@org/otel-bootstrap/http-server', '0.1.0', config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return (['http', 'https'] as const).map(
      (scheme) =>
        new InstrumentationNodeModuleDefinition(
          scheme,
          ['*'],
          (moduleExports: { Server: typeof Server }) => {
            const prototype = moduleExports.Server.prototype;
            if (!isWrapped(prototype.emit))
              this._wrap(prototype, 'emit', (original) => this.patchEmit(original as Emit, scheme) as typeof original);
            return moduleExports;
          },
          (moduleExports?: { Server: typeof Server }) => {
            if (moduleExports) this._unwrap(moduleExports.Server.prototype, 'emit');
          },
        ),
    );
  }

  private patchEmit(original: Emit, scheme: 'http' | 'https'): Emit {
    const start = (request: TracedRequest, response: TracedResponse) => this.startServerSpan(request, response, scheme);
    const reportError = (error: unknown) =>
      this._diag.error('could not start a server span; the request goes on untraced', error);
    return function emitWithServerSpan(this: unknown, event, ...args) {
      if (event !== 'request') return original.apply(this, [event, ...args]);
      const request = args[0] as TracedRequest;
      const response = args[1] as TracedResponse;
      let started: { active: Context; open: OpenSpan };
      try {
        started = start(request, response);
      } catch (error) {
        reportError(error);
        return original.apply(this, [event, ...args]);
      }
      try {
        return context.with(started.active, original, this, event, ...args);
      } catch (error) {
        // As upstream: the span fails with what the handler threw, which still reaches the app unchanged.
        if (error) endSpan(response, started.open, error);
        throw error;
      }
    };
  }

  private startServerSpan(request: TracedRequest, response: TracedResponse, scheme: 'http' | 'https') {
    const start = performance.now();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = requestAttributes(request, scheme);
    const span = this.tracer.startSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes }, parent);
    const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
    const active = setRPCMetadata(trace.setSpan(parent, span), rpcMetadata);
    const measured = this.getConfig().recordMetrics !== false;
    const open: OpenSpan = { span, rpcMetadata, start, attributes, active, measured };
    // Listeners on the request and response (body parsers, on-finished loggers) run in the request's context; the
    // first one, if 'request' is emitted again for the same pair, as upstream's context.bind does.
    runEventsInContext(request, active);
    runEventsInContext(response, active, []).openSpans!.push(open);
    if (this.getConfig().traceResponse) {
      try {
        setTraceResponse(response, span);
      } catch {
        // a response that refuses headers goes on without the header
      }
    }
    return { active, open };
  }
}

/**
 * Makes every event of `emitter` run in `active`, chaining to the emit it had (its own or its prototype's); returns
 * its state, the first one's if it already has one.
 */
function runEventsInContext(emitter: Traced, active: Context, openSpans?: OpenSpan[]): TracedState {
  const traced = Object.hasOwn(emitter, TRACED) ? emitter[TRACED] : undefined;
  if (traced) return traced;
  const state: TracedState = { emit: emitter.emit, context: active, openSpans };
  hide(emitter, TRACED, state);
  hide(emitter, 'emit', emitInRequestContext);
  return state;
}

/**
 * Sets a property the app must not see: not enumerable, so `Object.keys(req)`, `{ ...req }` and loggers that walk
 * the request or response find what they find untraced (issue 19).
 */
function hide(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** The emit of requests and responses in flight: their events run in the request's context, and end the spans. */
function emitInRequestContext(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
  const self = this as TracedRequest | TracedResponse;
  const state = self[TRACED] as TracedState;
  if ((event === 'close' || event === 'error') && state.openSpans) {
    // After 'error' a response emits only 'close', which then finds no span left to end.
    const response = self as TracedResponse;
    for (const open of state.openSpans.slice()) endSpan(response, open, event === 'error' ? args[0] : undefined);
  }
  return context.with(state.context, state.emit, self, event, ...args);
}

/** Ends one server span: from the response on 'close', or failed with `error` (upstream's setSpanWithError). */
function endSpan(response: TracedResponse, open: OpenSpan, error?: unknown): void {
  const spans = response[TRACED]?.openSpans;
  const index = spans ? spans.indexOf(open) : -1;
  if (index < 0) return;
  spans!.splice(index, 1);
  const { span } = open;
  // Nothing here may reach the app: a strange error value or a failing span method only costs the attributes.
  try {
    // Every request, sampled or not: metrics are not sampled.
    if (open.measured) {
      recordServerDuration(
        open.start,
        {
          request: open.attributes,
          statusCode: response.statusCode,
          route: open.rpcMetadata.route,
          errorName: error === undefined ? undefined : String((error as { name?: unknown })?.name ?? 'Error'),
        },
        open.active,
      );
    }
  } catch {
    // see above
  }
  try {
    if (error !== undefined) {
      const { name, message } = error as { name?: string; message?: string };
      span.setAttribute('error.type', name as string);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      span.recordException(error as Error);
    } else if (span.isRecording()) {
      recordResponse(span, response, open.rpcMetadata.route);
    }
  } catch {
    // see above
  }
  span.end();
}

function recordResponse(span: Span, response: TracedResponse, route: string | undefined): void {
  const { statusCode } = response;
  span.setAttribute('http.response.status_code', statusCode);
  if (route !== undefined) span.setAttribute('http.route', route);
  span.setStatus({ code: statusCode >= 100 && statusCode < 500 ? SpanStatusCode.UNSET : SpanStatusCode.ERROR });
  if (statusCode >= 500 && statusCode < 600) span.setAttribute('error.type', String(statusCode));
  if (route) span.updateName(`${response.req.method || 'GET'} ${route}`);
}
