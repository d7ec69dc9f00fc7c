import type { Attributes, Context, Span } from '@opentelemetry/api';
import { rememberAttributeSet } from '../../metrics/attribute-set-hashes';
import { DB_DURATION_BOUNDARIES, durationOptions, exemplarContext, LazyHistogram } from '../LazyHistogram';
import { operationName } from './pg-attributes';
import type { ConnectionParameters, QueryConfig } from './pg-attributes';

// `db.client.operation.duration` for pg queries (stable database semantic conventions, PostgreSQL being one of the
// systems they cover), recorded for every query whatever the sampler decided, with upstream
// instrumentation-pg 0.77's attributes: db.system.name, db.namespace, server.address, server.port,
// db.operation.name, and error.type (the PostgreSQL error code, else the error's name) when it failed. Attribute
// sets are made once per connection and operation.

const DURATION = new LazyHistogram(
  '@org/otel-bootstrap/pg',
  '0.1.0',
  'db.client.operation.duration',
  durationOptions('Duration of database client operations.', DB_DURATION_BOUNDARIES),
);

/** A query under way, for its duration. */
export interface QueryTiming {
  readonly start: number;
  readonly attributes: Attributes;
  /** The query span's context when it is sampled, for the exemplar; else the root context. */
  readonly context: Context;
}

/** Operations kept per connection; past it (an app that sends odd SQL), sets are made per query. */
const MAX_OPERATIONS = 200;
const BY_CONNECTION = new WeakMap<ConnectionParameters, Map<string, Attributes>>();

export function startQueryTiming(
  params: ConnectionParameters,
  query: QueryConfig | undefined,
  span: Span,
): QueryTiming {
  return {
    start: performance.now(),
    attributes: queryAttributes(params, query ? operationName(query.text) : ''),
    context: exemplarContext(span),
  };
}

/** Records the query's duration; `error` when it failed. */
export function recordQueryDuration(timing: QueryTiming, error?: unknown): void {
  const attributes = error ? { ...timing.attributes, 'error.type': errorType(error) } : timing.attributes;
  DURATION.record((performance.now() - timing.start) / 1000, attributes, timing.context);
}

function queryAttributes(params: ConnectionParameters, operation: string): Attributes {
  let byOperation = BY_CONNECTION.get(params);
  if (!byOperation) BY_CONNECTION.set(params, (byOperation = new Map()));
  let attributes = byOperation.get(operation);
  if (attributes) return attributes;
  attributes = { 'db.system.name': 'postgresql' };
  if (params.database !== undefined) attributes['db.namespace'] = params.database;
  if (params.host !== undefined) attributes['server.address'] = params.host;
  if (Number.isInteger(params.port)) attributes['server.port'] = params.port as number;
  if (operation) attributes['db.operation.name'] = operation;
  if (byOperation.size < MAX_OPERATIONS) byOperation.set(operation, rememberAttributeSet(attributes));
  return attributes;
}

function errorType(error: unknown): string {
  const { code, name } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    name?: unknown;
  };
  if (typeof code === 'string' && code) return code;
  return typeof name === 'string' && name ? name : '_OTHER';
}
