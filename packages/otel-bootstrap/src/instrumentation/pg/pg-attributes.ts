import type { Attributes } from '@opentelemetry/api';

// What a pg span says about its connection and query, exactly as @opentelemetry/instrumentation-pg 0.77 says it
// (test/e2e/pg-parity.test.ts compares the two).

/** The part of a pg Client (or its connectionParameters) that the spans read. */
export interface ConnectionParameters {
  readonly database?: string;
  readonly host?: string;
  readonly port?: unknown;
}

/** The part of a pg-pool's options that the pool's spans read. */
export interface PoolOptions extends ConnectionParameters {
  readonly connectionString?: string;
  readonly idleTimeoutMillis?: number;
  readonly maxClient?: number;
}

/** A query as pg's `Client.prototype.query` received it, when its first argument carries SQL text. */
export interface QueryConfig {
  readonly text: string;
  readonly name?: unknown;
  readonly values?: unknown;
  readonly callback?: unknown;
}

/** `pg.query:SELECT mydb`, or the prepared statement's name in place of the operation. */
export function querySpanName(database: string | undefined, query: QueryConfig | undefined): string {
  if (!query) return 'pg.query';
  const operation = typeof query.name === 'string' && query.name ? query.name : operationName(query.text);
  return `pg.query:${operation}${database ? ` ${database}` : ''}`;
}

/** The SQL command: the first word, upper-cased, without a trailing semicolon. */
export function operationName(text: string): string {
  const trimmed = text.trim();
  const space = trimmed.indexOf(' ');
  const command = (space === -1 ? trimmed : trimmed.slice(0, space)).toUpperCase();
  return command.endsWith(';') ? command.slice(0, -1) : command;
}

export function connectionAttributes(params: ConnectionParameters): Attributes {
  return {
    'db.system.name': 'postgresql',
    'db.namespace': params.database,
    'server.address': params.host,
    'server.port': integerPort(params.port),
  };
}

// pg-pool copies its options when the pool is made, so its attributes are worked out once per pool instead of
// parsing the connection string on every connect. An app that later changes `pool.options` (upstream would report
// the new host or timeout) keeps the first values here.
const POOL_ATTRIBUTES = new WeakMap<PoolOptions, Attributes>();

export function poolAttributes(options: PoolOptions): Attributes {
  let attributes = POOL_ATTRIBUTES.get(options);
  if (!attributes) {
    attributes = computePoolAttributes(options);
    POOL_ATTRIBUTES.set(options, attributes);
  }
  return attributes;
}

function computePoolAttributes(options: PoolOptions): Attributes {
  let url: URL | undefined;
  try {
    url = options.connectionString ? new URL(options.connectionString) : undefined;
  } catch {
    url = undefined;
  }
  return {
    'db.postgresql.idle.timeout.millis': options.idleTimeoutMillis,
    'db.postgresql.max.client': options.maxClient,
    'db.system.name': 'postgresql',
    'db.namespace': url?.pathname.slice(1) ?? options.database,
    'server.address': url?.hostname ?? options.host,
    'server.port': Number(url?.port) || integerPort(options.port),
  };
}

function integerPort(port: unknown): number | undefined {
  return Number.isInteger(port) ? (port as number) : undefined;
}

/** What an exception event says: the error's type and PostgreSQL code, never its message (it can quote data). */
export function sanitizedErrorMessage(error: { name?: string; code?: string }): string {
  return `PostgreSQL error of type '${error?.name ?? 'PostgreSQLError'}' occurred (code: ${error?.code ?? 'UNKNOWN'})`;
}

/** The message of anything thrown, when it has one. */
export function errorMessage(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : undefined;
}
