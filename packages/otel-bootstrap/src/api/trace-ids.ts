import { trace } from '@opentelemetry/api';
import { isValidSpanContext } from '../propagation/valid-span-context';

/** The ids of the active span, in the snake_case names log pipelines (and Loki queries) use. */
export interface TraceIds {
  readonly trace_id: string;
  readonly span_id: string;
}

/**
 * The trace and span id of the active span, or undefined outside any span. For loggers other than pino and winston
 * (which get the ids without any code), and for storing the trace id on a database record.
 */
export function currentTraceIds(): TraceIds | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isValidSpanContext(context)) return undefined;
  return { trace_id: context.traceId, span_id: context.spanId };
}
