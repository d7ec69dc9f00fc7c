import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';

/**
 * The response of each request in flight, kept on the request itself so the request hook can reach it before the
 * app's handler runs. A plain symbol property rather than a WeakMap: with thousands of short-lived requests a
 * second, the WeakMap's ephemerons made GC pauses longer, which showed in W1's throughput and p99 latency with the
 * header on (bench/findings.md, "traceresponse and GC").
 */
const RESPONSE = Symbol('otel-bootstrap response');
type RequestWithResponse = IncomingMessage & { [RESPONSE]?: ServerResponse };
let listening = false;

function rememberResponse(message: unknown): void {
  const { request, response } = message as { request: RequestWithResponse; response: ServerResponse };
  request[RESPONSE] = response;
}

/**
 * A request hook for upstream's HTTP instrumentation (OTEL_BOOTSTRAP_HTTP_SERVER=upstream) that sets the W3C
 * Trace Context Level 2 `traceresponse` header on server responses (see {@link setTraceResponse}). Our own server
 * instrumentation calls setTraceResponse directly: it has the response at hand.
 */
export function createTraceResponseHook(): (span: Span, request: unknown) => void {
  if (!listening) {
    // Node publishes each request with its response here before the 'request' event, where the span starts.
    subscribe('http.server.request.start', rememberResponse);
    listening = true;
  }
  return (span, request) => {
    const carrier = request as RequestWithResponse;
    const response = carrier[RESPONSE];
    if (!response) return;
    carrier[RESPONSE] = undefined; // the request outlives the need: do not keep the response reachable from it
    setTraceResponse(response, span);
  };
}

/**
 * Sets `traceresponse: 00-<trace id>-<server span id>-<flags>` on a response whose headers are not sent yet. Called
 * when the server span starts, before the app's handler, so the app can still override the header. The flags are
 * W3C Trace Context Level 2's two, sampled and random-trace-id (0x03): the random flag must be the one the trace's
 * traceparent carries, the others are reserved.
 */
export function setTraceResponse(response: ServerResponse, span: Span): void {
  if (response.headersSent) return;
  const { traceId, spanId, traceFlags } = span.spanContext();
  response.setHeader('traceresponse', `00-${traceId}-${spanId}-${(traceFlags & 0x03).toString(16).padStart(2, '0')}`);
}
