import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { scrubSqlLiterals } from '../../redaction/sql-literals';
import {
  connectionAttributes,
  errorMessage,
  poolAttributes,
  querySpanName,
  sanitizedErrorMessage,
} from './pg-attributes';
import type { ConnectionParameters, PoolOptions, QueryConfig } from './pg-attributes';
import { recordQueryDuration, startQueryTiming } from './pg-metrics';
import type { QueryTiming } from './pg-metrics';
import { isValidSpanContext } from '../../propagation/valid-span-context';

// Why not upstream's: @opentelemetry/instrumentation-pg builds metric attributes, reads the clock and parses the pool's
// connection string on every call, even when no span is recorded and no meter exists, so it costs the app more CPU per
// query than this one, with the sampler off and at 100% alike (bench/findings.md, "Our pg instrumentation"). This one
// makes the same spans under its own scope (test/e2e/pg-parity.test.ts compares the two), and upstream's
// db.client.operation.duration (pg-metrics.ts, with attribute sets cached instead of built per query); it skips what
// we never export or configure: the pool's connection metrics (and the four listeners upstream adds to every pool for
// them), hooks, sqlcommenter,
// requireParentSpan, enhancedDatabaseReporting. The SQL text is scrubbed of literals only when the span is recorded.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- patched methods keep whatever `this` pg gives them
type AnyFunction = (this: any, ...args: unknown[]) => unknown;
interface PgClient {
  readonly connectionParameters: ConnectionParameters;
}
interface PgPool {
  readonly options: PoolOptions;
}
type ClientClass = { prototype: { query: AnyFunction; connect: AnyFunction } };
type PoolClass = { prototype: { connect: AnyFunction } };

const PG_VERSIONS = ['>=8.0.3 <9'];
const PG_POOL_VERSIONS = ['>=2.0.0 <4'];

/** Under `import`, a CommonJS module arrives as a namespace whose `default` is what `require` returns. */
function commonJsExports<T>(module: T | { default: T }): T {
  return (module as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module'
    ? (module as { default: T }).default
    : (module as T);
}

/** CLIENT spans for pg queries and connections and pg-pool checkouts, with upstream's names and attributes. */
/** Options for {@link PgInstrumentation}. */
export interface PgInstrumentationConfig extends InstrumentationConfig {
  /** Record `db.client.operation.duration` (default true; false when metrics are off). */
  readonly recordMetrics?: boolean;
}

export class PgInstrumentation extends InstrumentationBase<PgInstrumentationConfig> {
  constructor(config: PgInstrumentationConfig = {}) {
    super('@org/otel-bootstrap/pg', '0.1.0', config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const patchClient = (client: ClientClass | undefined) => this.patchClient(client);
    const unpatchClient = (client: ClientClass | undefined) => this.unpatchClient(client);
    // pg/lib/native/client.js is another Client class, loaded through `pg.native` or NODE_PG_FORCE_NATIVE. Both
    // files can also be imported directly, and then arrive as an ESM namespace.
    const files = ['pg/lib/client.js', 'pg/lib/native/client.js'].map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          PG_VERSIONS,
          (exports: ClientClass) => (patchClient(commonJsExports(exports)), exports),
          (exports?: ClientClass) => (exports && unpatchClient(commonJsExports(exports)), exports),
        ),
    );
    return [
      new InstrumentationNodeModuleDefinition(
        'pg',
        PG_VERSIONS,
        (module: { Client: ClientClass }) => (patchClient(commonJsExports(module).Client), module),
        (module?: { Client: ClientClass }) => (module && unpatchClient(commonJsExports(module).Client), module),
        files,
      ),
      new InstrumentationNodeModuleDefinition(
        'pg-pool',
        PG_POOL_VERSIONS,
        (module: PoolClass) => {
          const pool = commonJsExports(module);
          if (isWrapped(pool.prototype.connect)) this._unwrap(pool.prototype, 'connect');
          this._wrap(pool.prototype, 'connect', (original) => this.poolConnect(original) as typeof original);
          return module;
        },
        (module?: PoolClass) => {
          if (module) this._unwrap(commonJsExports(module).prototype, 'connect');
          return module;
        },
      ),
    ];
  }

  private patchClient(client: ClientClass | undefined): void {
    if (!client) return;
    this.unpatchClient(client);
    this._wrap(client.prototype, 'query', (original) => this.clientQuery(original) as typeof original);
    this._wrap(client.prototype, 'connect', (original) => this.clientConnect(original) as typeof original);
  }

  private unpatchClient(client: ClientClass | undefined): void {
    if (!client) return;
    if (isWrapped(client.prototype.query)) this._unwrap(client.prototype, 'query');
    if (isWrapped(client.prototype.connect)) this._unwrap(client.prototype, 'connect');
  }

  private clientQuery(original: AnyFunction): AnyFunction {
    const tracer = (): Tracer => this.tracer;
    const measured = (): boolean => this.getConfig().recordMetrics !== false;
    return function query(this: PgClient, ...args: unknown[]) {
      const config = queryConfigOf(args);
      const params = this.connectionParameters;
      const span = tracer().startSpan(querySpanName(params.database, config), {
        kind: SpanKind.CLIENT,
        attributes: connectionAttributes(params),
      });
      const timing = measured() ? startQueryTiming(params, config, span) : undefined;
      if (config && span.isRecording()) {
        span.setAttribute('db.query.text', scrubSqlLiterals(config.text));
        if (typeof config.name === 'string') span.setAttribute('db.postgresql.plan', config.name);
      }
      const last = args.length - 1;
      if (last >= 0) {
        if (typeof args[last] === 'function') {
          args[last] = endingCallback(span, args[last] as AnyFunction, timing);
        } else if (
          typeof config?.callback === 'function' &&
          Object.prototype.propertyIsEnumerable.call(config, 'callback')
        ) {
          // As upstream does: pg reads the callback back from the config object, so it is replaced there. A frozen
          // config keeps its callback, and the span is never ended (upstream's write fails silently, ours here).
          try {
            (args[0] as { callback: unknown }).callback = endingCallback(span, config.callback as AnyFunction, timing);
          } catch {
            // the app's object, the app's callback
          }
        }
      }
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        if (timing) recordQueryDuration(timing, error);
        fail(span, error, errorMessage(error));
        span.end();
        throw error;
      }
      return endWhenSettled(span, result, timing);
    };
  }

  private clientConnect(original: AnyFunction): AnyFunction {
    const tracer = (): Tracer => this.tracer;
    return function connect(this: ConnectionParameters, callback?: unknown) {
      const span = tracer().startSpan('pg.connect', { kind: SpanKind.CLIENT, attributes: connectionAttributes(this) });
      return connecting(span, this, original, callback);
    };
  }

  private poolConnect(original: AnyFunction): AnyFunction {
    const tracer = (): Tracer => this.tracer;
    return function connect(this: PgPool, callback?: unknown) {
      const span = tracer().startSpan('pg-pool.connect', {
        kind: SpanKind.CLIENT,
        attributes: poolAttributes(this.options),
      });
      return connecting(span, this, original, callback);
    };
  }
}

/** The query's SQL text and what else the span reads, or undefined when the first argument carries no SQL. */
function queryConfigOf(args: readonly unknown[]): QueryConfig | undefined {
  const first = args[0];
  if (typeof first === 'string') return { text: first };
  if (typeof first === 'object' && first !== null && typeof (first as QueryConfig).text === 'string') {
    return first as QueryConfig;
  }
  return undefined;
}

/**
 * Wraps a query's callback so the span ends when it is called. When the query ran inside a span, the callback
 * runs in the query's context: pg calls it from its socket's events, which carry the connection's context.
 */
function endingCallback(span: Span, callback: AnyFunction, timing?: QueryTiming): AnyFunction {
  const active = context.active();
  const inSpan = trace.getSpan(active) !== undefined;
  // Returns nothing, as upstream's wrapper does: pg-pool returns a callback's result from connect() after end().
  return function endSpanThenCallBack(this: unknown, error: unknown, ...rest: unknown[]): void {
    if (timing) recordQueryDuration(timing, error);
    if (error) fail(span, error, (error as { message?: string }).message);
    span.end();
    // A callback already in its caller's context (pg-pool's checkout of an idle client, on a nextTick) is called
    // as it is: context.with would still make Node copy its context frame twice (bench/findings.md, "Fewer context
    // frames for pg").
    if (inSpan && context.active() !== active) context.with(active, callback, this, error, ...rest);
    else callback.call(this, error, ...rest);
  };
}

/**
 * A connection or pool checkout: the span is the active one while pg connects, so a new connection's `pg.connect`
 * nests under the pool's `pg-pool.connect`, and ends with the callback or the promise; except an unsampled span
 * under an unsampled caller (see {@link decidedByCaller}).
 */
function connecting(span: Span, target: unknown, original: AnyFunction, callback: unknown): unknown {
  const ending = callback ? endingCallback(span, callback as AnyFunction) : undefined;
  if (decidedByCaller(span)) return endWhenSettled(span, original.call(target, ending));
  return endWhenSettled(
    span,
    context.with(trace.setSpan(context.active(), span), () => original.call(target, ending)),
  );
}

/**
 * Whether anything started under this checkout span is decided as it would be under the caller's span: the span
 * records nothing (so it is never exported, and is no pending span error keeping could still keep) and the caller's
 * span is just as unsampled, so the same trace goes on unsampled either way. Then the span is not made active,
 * which saves a context and a frame on every checkout, and lets pg-pool's callback run in its caller's context as it
 * is (endingCallback). Under no caller span, the checkout span stays the parent: without it, a query would become a
 * root of its own and be sampled on its own.
 */
function decidedByCaller(span: Span): boolean {
  if (span.isRecording()) return false;
  const caller = trace.getSpanContext(context.active());
  return caller !== undefined && (caller.traceFlags & TraceFlags.SAMPLED) === 0 && isValidSpanContext(caller);
}

/** A promise pg returned, ending the span when it settles; anything else as it is (a callback ends the span). */
function endWhenSettled(span: Span, result: unknown, timing?: QueryTiming): unknown {
  if (!(result instanceof Promise)) return result;
  return result.then(
    (value: unknown) => {
      if (timing) recordQueryDuration(timing);
      span.end();
      return value;
    },
    (error: unknown) => {
      if (timing) recordQueryDuration(timing, error);
      fail(span, error, errorMessage(error));
      span.end();
      throw error;
    },
  );
}

/** Marks the span failed. The exception event names the error's type and code; the status keeps its message. */
function fail(span: Span, error: unknown, message: string | undefined): void {
  if (error instanceof Error) span.recordException(sanitizedErrorMessage(error as { name?: string; code?: string }));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
