import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { setTraceResponse } from './traceresponse';
import { requestAttributes } from './server-attributes';
import { recordServerDuration } from './server-metrics';
import { ServerSpanStateField } from './ServerSpanStateField';
import type { Emit, OpenSpan, ServerSpanState } from './ServerSpanStateField';

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

type Traced = { emit: Emit };
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
function runEventsInContext(emitter: Traced, active: Context, openSpans?: OpenSpan[]): ServerSpanState {
  const existing = ServerSpanStateField.of(emitter);
  if (existing) return existing;
  const state = ServerSpanStateField.attach(emitter, { emit: emitter.emit, context: active, openSpans });
  // Not enumerable, so `Object.keys(req)`, `{ ...req }` and loggers that walk the request or response find what they
  // find untraced (issue 19).
  Object.defineProperty(emitter, 'emit', {
    value: emitInRequestContext,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return state;
}

/** The state of the object whose emit is ours: `self`'s own, or, for an object made from it, its prototype's. */
function stateOf(self: object): ServerSpanState | undefined {
  for (let target: object | null = self; target !== null; target = Object.getPrototypeOf(target)) {
    const state = ServerSpanStateField.of(target);
    if (state) return state;
  }
  return undefined;
}

/** The emit of requests and responses in flight: their events run in the request's context, and end the spans. */
function emitInRequestContext(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
  const self = this as TracedRequest | TracedResponse;
  const state = stateOf(self) as ServerSpanState;
  if ((event === 'close' || event === 'error') && state.openSpans) {
    // After 'error' a response emits only 'close', which then finds no span left to end.
    const response = self as TracedResponse;
    for (const open of state.openSpans.slice()) endSpan(response, open, event === 'error' ? args[0] : undefined);
  }
  return context.with(state.context, state.emit, self, event, ...args);
}

/** Ends one server span: from the response on 'close', or failed with `error` (upstream's setSpanWithError). */
function endSpan(response: TracedResponse, open: OpenSpan, error?: unknown): void {
  const spans = stateOf(response)?.openSpans;
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
