import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { setTraceResponse } from '../propagation/traceresponse';
import { requestAttributes } from './server-attributes';

// Why not upstream's server side: with the sampler off, so that no span is recorded, @opentelemetry/instrumentation-http
// added about 41 µs of CPU to each W1 request (163 against 122 µs, medians of 8 interleaved rounds); this one adds
// about 22 µs and keeps the span shape (test/e2e/http-server-parity.test.ts compares the two). It allocates no
// closure per request: the span and its context ride on the request and response under symbols, and one shared
// emit wrapper runs every event of both in the request's context, where upstream patches six methods of each and
// wraps every listener (context.bind), and also tracks open spans in a WeakSet. Client spans stay upstream's.

/** Options for {@link HttpServerInstrumentation}. */
export interface HttpServerInstrumentationConfig extends InstrumentationConfig {
  /** Set a W3C `traceresponse` header on each response when its span starts. */
  readonly traceResponse?: boolean;
}

const SPAN = Symbol('otel-bootstrap server span');
const CONTEXT = Symbol('otel-bootstrap server context');
const ROUTE = Symbol('otel-bootstrap server rpc metadata');

type Traced = { [CONTEXT]?: Context };
type TracedResponse = ServerResponse & Traced & { [SPAN]?: Span; [ROUTE]?: RPCMetadata; req: IncomingMessage };
type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** SERVER spans for `node:http` and `node:https`, one per request, with upstream's attributes. */
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
    const start = (request: IncomingMessage & Traced, response: TracedResponse) =>
      this.startServerSpan(request, response, scheme);
    const reportError = (error: unknown) =>
      this._diag.error('could not start a server span; the request goes on untraced', error);
    return function emitWithServerSpan(this: unknown, event, ...args) {
      if (event !== 'request') return original.apply(this, [event, ...args]);
      const request = args[0] as IncomingMessage & Traced;
      const response = args[1] as TracedResponse;
      let active: Context;
      try {
        active = start(request, response);
      } catch (error) {
        reportError(error);
        return original.apply(this, [event, ...args]);
      }
      try {
        return context.with(active, original, this, event, ...args);
      } catch (error) {
        failSpan(response, error);
        throw error;
      }
    };
  }

  private startServerSpan(request: IncomingMessage & Traced, response: TracedResponse, scheme: 'http' | 'https') {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = this.tracer.startSpan(
      request.method || 'GET',
      { kind: SpanKind.SERVER, attributes: requestAttributes(request, scheme) },
      parent,
    );
    // express and fastify report the matched route here, as they do to upstream's instrumentation.
    const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
    const active = setRPCMetadata(trace.setSpan(parent, span), rpcMetadata);
    if (this.getConfig().traceResponse) setTraceResponse(response, span);
    response[SPAN] = span;
    response[ROUTE] = rpcMetadata;
    // Listeners on the request and response (body parsers, on-finished loggers) run in the request's context.
    request[CONTEXT] = active;
    response[CONTEXT] = active;
    request.emit = emitInRequestContext;
    response.emit = emitInRequestContext;
    return active;
  }
}

/** The emit of requests and responses in flight: their events run in the request's context, and end the span. */
function emitInRequestContext(
  this: (IncomingMessage | TracedResponse) & Traced,
  event: string | symbol,
  ...args: unknown[]
) {
  const emit = Object.getPrototypeOf(this).emit as Emit;
  if (SPAN in this) {
    // After 'error' a response emits only 'close', which then must not end the span a second time.
    if (event === 'close') finishSpan(this);
    else if (event === 'error') failSpan(this, args[0]);
  }
  const active = this[CONTEXT];
  return active ? context.with(active, emit, this, event, ...args) : emit.call(this, event, ...args);
}

function finishSpan(response: TracedResponse): void {
  const span = response[SPAN];
  if (!span) return;
  response[SPAN] = undefined;
  const { statusCode } = response;
  if (span.isRecording()) {
    const route = response[ROUTE]?.route;
    span.setAttribute('http.response.status_code', statusCode);
    if (route !== undefined) span.setAttribute('http.route', route);
    span.setStatus({ code: statusCode >= 100 && statusCode < 500 ? SpanStatusCode.UNSET : SpanStatusCode.ERROR });
    if (statusCode >= 500 && statusCode < 600) span.setAttribute('error.type', String(statusCode));
    if (route) span.updateName(`${response.req.method || 'GET'} ${route}`);
  }
  span.end();
}

function failSpan(response: TracedResponse, error: unknown): void {
  const span = response[SPAN];
  if (!span) return;
  response[SPAN] = undefined;
  if (span.isRecording()) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    span.setAttribute('error.type', name);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.recordException(error instanceof Error ? error : message);
  }
  span.end();
}
