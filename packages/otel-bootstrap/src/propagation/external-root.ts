import { createContextKey } from '@opentelemetry/api';

/**
 * Marks a parent that stands in for a caller who gave us only a trace id (an `X-Trace-ID` header, a job's
 * correlation id). Such a caller made no sampling decision, so samplers treat the span under it as a root.
 */
export const EXTERNAL_ROOT = createContextKey('otel-bootstrap external root');
