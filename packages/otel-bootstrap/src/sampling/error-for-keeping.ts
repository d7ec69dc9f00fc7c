import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, SpanStatus } from '@opentelemetry/api';
import type { IgnoredError } from '../config/read-config';

/** What error keeping reads of a span: a PendingSpan, or an SDK span. */
export interface KeepableSpan {
  readonly kind: SpanKind;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events?: readonly { readonly name: string }[];
}

/**
 * Whether a span's error makes error keeping keep its trace: ERROR status, an HTTP server span answering 5xx, or an
 * exception event, unless the error is one of the kinds the user told us to ignore (OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE).
 */
export function errorForKeeping(ignored: readonly IgnoredError[]): (span: KeepableSpan) => boolean {
  const ignores = IGNORE_CHECKS.filter(([kind]) => ignored.includes(kind)).map(([, check]) => check);
  if (ignores.length === 0) return isError;
  return (span) => isError(span) && !ignores.some((ignore) => ignore(span));
}

function isError(span: KeepableSpan): boolean {
  if (span.status.code === SpanStatusCode.ERROR) return true;
  const status = httpStatus(span);
  if (span.kind === SpanKind.SERVER && status !== undefined && status >= 500) return true;
  return span.events?.some((event) => event.name === 'exception') ?? false;
}

const IGNORE_CHECKS: readonly (readonly [IgnoredError, (span: KeepableSpan) => boolean])[] = [
  // HTTP semconv makes a 4xx answer an error of the CLIENT span: right for the caller, but not worth a trace each.
  ['http-client-4xx', (span) => span.kind === SpanKind.CLIENT && isBetween(httpStatus(span), 400, 499)],
  // ioredis and node-redis send CLIENT SETINFO while connecting and ignore a rejection, which Redis < 7.2 always
  // gives: two ERROR spans per new connection otherwise.
  ['redis-handshake', (span) => /^CLIENT SETINFO\b/i.test(String(redisStatement(span) ?? ''))],
  // amqplib's instrumentation ends the consumer span ERROR with "nack called on message ..." (also reject, nackAll).
  [
    'amqp-nack',
    (span) =>
      span.kind === SpanKind.CONSUMER && /^(nack|nackAll|reject) called on message/.test(span.status.message ?? ''),
  ],
];

function httpStatus(span: KeepableSpan): number | undefined {
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  return typeof status === 'number' ? status : undefined;
}

function redisStatement(span: KeepableSpan): unknown {
  const system = span.attributes['db.system.name'] ?? span.attributes['db.system'];
  if (system !== 'redis') return undefined;
  return span.attributes['db.query.text'] ?? span.attributes['db.statement'];
}

function isBetween(value: number | undefined, low: number, high: number): boolean {
  return value !== undefined && value >= low && value <= high;
}
