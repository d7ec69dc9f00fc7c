import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';

/** The response of each request in flight, so the request hook can reach it before the app's handler runs. */
const responses = new WeakMap<IncomingMessage, ServerResponse>();
let listening = false;

function rememberResponse(message: unknown): void {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  responses.set(request, response);
}

/**
 * A request hook for the HTTP instrumentation that sets the W3C Trace Context Level 2 `traceresponse` header on
 * server responses: `00-<trace id>-<server span id>-<flags>`. Callers can quote the trace id in a support request.
 * It runs when the server span starts, before the app's handler, so the app can still override the header.
 */
export function createTraceResponseHook(): (span: Span, request: unknown) => void {
  if (!listening) {
    // Node publishes each request with its response here before the 'request' event, where the span starts.
    subscribe('http.server.request.start', rememberResponse);
    listening = true;
  }
  return (span, request) => {
    const response = responses.get(request as IncomingMessage);
    if (!response || response.headersSent) return;
    const { traceId, spanId, traceFlags } = span.spanContext();
    response.setHeader('traceresponse', `00-${traceId}-${spanId}-${(traceFlags & 1).toString(16).padStart(2, '0')}`);
  };
}
