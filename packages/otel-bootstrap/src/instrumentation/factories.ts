import type { Instrumentation } from '@opentelemetry/instrumentation';
import { onConsume, onPublish } from './amqp-attributes';
import type { InstrumentationConfig, InstrumentationName } from '../config/read-config';
import { createTraceResponseHook } from './http-server/traceresponse';
import { redisStatement } from './redis-statement';
import { scrubSqlLiterals } from '../redaction/sql-literals';

/**
 * One factory per supported library. Each requires its instrumentation package only when that instrumentation is
 * enabled, instead of loading the whole auto-instrumentations metapackage.
 */
/** What the factories read of the instrumentation section, beyond which instrumentations are on. */
export type InstrumentationOptions = Pick<
  InstrumentationConfig,
  'traceResponse' | 'httpServer' | 'pg' | 'amqplib' | 'logSending' | 'recordMetrics'
>;

/** Creates the instrumentation(s) of one library from a package already loaded. */
type Create = () => Instrumentation | Instrumentation[];

/** Per library: loads its instrumentation package and returns how to create the instrumentation from it. */
const FACTORIES: Readonly<Record<InstrumentationName, (options: InstrumentationOptions) => Create>> = {
  http: ({ traceResponse, httpServer, recordMetrics }) => {
    const { HttpInstrumentation } =
      require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    if (httpServer === 'upstream') {
      return () => new HttpInstrumentation(traceResponse ? { requestHook: createTraceResponseHook() } : {});
    }
    const { HttpServerInstrumentation } =
      require('./http-server/HttpServerInstrumentation') as typeof import('./http-server/HttpServerInstrumentation');
    return () => [
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new HttpServerInstrumentation({ traceResponse, recordMetrics }),
    ];
  },
  undici: () => {
    const { UndiciInstrumentation } =
      require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
    return () => new UndiciInstrumentation();
  },
  express: () => {
    // Upstream's, with next === req.next kept for the app; see express/ExpressInstrumentation.ts for why.
    const { ExpressInstrumentation } =
      require('./express/ExpressInstrumentation') as typeof import('./express/ExpressInstrumentation');
    return () => new ExpressInstrumentation();
  },
  fastify: () => {
    // Ours listens to the diagnostics channels fastify 5 publishes instead of wrapping fastify as @fastify/otel did;
    // see fastify/FastifyInstrumentation.ts for why.
    const { FastifyInstrumentation } =
      require('./fastify/FastifyInstrumentation') as typeof import('./fastify/FastifyInstrumentation');
    return () => new FastifyInstrumentation();
  },
  pg: ({ pg, recordMetrics }) => {
    if (pg === 'lean') {
      const { PgInstrumentation } = require('./pg/PgInstrumentation') as typeof import('./pg/PgInstrumentation');
      return () => new PgInstrumentation({ recordMetrics });
    }
    const { PgInstrumentation } =
      require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
    return () =>
      new PgInstrumentation({
        // Upstream exports the query text as the app wrote it; ours never carries inlined literal values.
        requestHook: (span, { query }) => span.setAttribute('db.query.text', scrubSqlLiterals(query.text)),
      });
  },
  ioredis: ({ recordMetrics }) => {
    const { IORedisInstrumentation } =
      require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
    const { recordRedisDurations } = require('./redis-metrics') as typeof import('./redis-metrics');
    return () => {
      // Upstream records no metrics for Redis; the clients' tracing channels give every command's duration. A
      // subscriber makes the client trace every command's promise, so there is none while metrics are off.
      if (recordMetrics) recordRedisDurations('ioredis');
      return new IORedisInstrumentation({ dbStatementSerializer: redisStatement });
    };
  },
  redis: ({ recordMetrics }) => {
    const { RedisInstrumentation } =
      require('@opentelemetry/instrumentation-redis') as typeof import('@opentelemetry/instrumentation-redis');
    const { recordRedisDurations } = require('./redis-metrics') as typeof import('./redis-metrics');
    return () => {
      if (recordMetrics) recordRedisDurations('node-redis');
      return new RedisInstrumentation({ dbStatementSerializer: redisStatement });
    };
  },
  amqplib: ({ amqplib, recordMetrics }) => {
    if (amqplib === 'lean') {
      const { AmqplibInstrumentation } =
        require('./amqplib/AmqplibInstrumentation') as typeof import('./amqplib/AmqplibInstrumentation');
      return () => new AmqplibInstrumentation({ recordMetrics });
    }
    const { AmqplibInstrumentation } =
      require('@opentelemetry/instrumentation-amqplib') as typeof import('@opentelemetry/instrumentation-amqplib');
    const { endProcessing, startProcessing } = require('./amqp-metrics') as typeof import('./amqp-metrics');
    if (!recordMetrics) return () => new AmqplibInstrumentation({ publishHook: onPublish, consumeHook: onConsume });
    return () =>
      new AmqplibInstrumentation({
        publishHook: onPublish,
        consumeHook: (span, info) => {
          onConsume(span, info);
          startProcessing(span, info.msg);
        },
        consumeEndHook: (_span, { msg, rejected, endOperation }) => endProcessing(msg, rejected, endOperation),
      });
  },
  pino: ({ logSending }) => {
    const { PinoInstrumentation } =
      require('@opentelemetry/instrumentation-pino') as typeof import('@opentelemetry/instrumentation-pino');
    // Trace ids go into the app's own log records either way. Sending puts a multistream under each logger, which
    // costs every line, so it is on only while the logs pipeline is.
    return () => new PinoInstrumentation({ disableLogSending: !logSending });
  },
  winston: ({ logSending }) => {
    const { WinstonInstrumentation } =
      require('@opentelemetry/instrumentation-winston') as typeof import('@opentelemetry/instrumentation-winston');
    if (!logSending) return () => new WinstonInstrumentation({ disableLogSending: true });
    // Upstream sends through @opentelemetry/winston-transport, which emits to the older api-logs global that the
    // SDK 3 LoggerProvider is not registered in: ours adds a transport of its own (see logs/WinstonLogSending.ts).
    const { WinstonLogSending } = require('../logs/WinstonLogSending') as typeof import('../logs/WinstonLogSending');
    return () => [new WinstonInstrumentation({ disableLogSending: true }), new WinstonLogSending()];
  },
};

/**
 * The packages whose first import creates an instrumentation (lazy-instrumentations.ts): every module name the
 * instrumentation hooks (test/unit/lazy-instrumentations.test.ts checks them against each one's definitions). The
 * others are created at startup: `http` hooks core modules nearly every app loads, `undici` the global fetch,
 * which needs no import, and `fastify` hooks no module at all: it subscribes to fastify's diagnostics channels, which
 * costs nothing until fastify publishes and works whenever fastify is loaded.
 */
export const LOADED_ON_IMPORT_OF: Readonly<Partial<Record<InstrumentationName, readonly string[]>>> = {
  express: ['express'],
  pg: ['pg', 'pg-pool'],
  ioredis: ['ioredis'],
  redis: ['redis', '@redis/client', '@node-redis/client'],
  amqplib: ['amqplib'],
  pino: ['pino'],
  winston: ['winston'],
};

/**
 * Creates the enabled instrumentations. One that fails to load is reported and skipped, so the others still work.
 *
 * Every package is loaded before any instrumentation is created: the first one created installs
 * require-in-the-middle's hook, and each require after it is resolved twice. Loading them first keeps our own
 * requires out of that hook, which saves startup CPU (bench/findings.md, "Loading instrumentations").
 */
export function createInstrumentations(
  names: readonly InstrumentationName[],
  options: InstrumentationOptions,
  onError: (name: InstrumentationName, error: unknown) => void,
): Instrumentation[] {
  const loaded = names.flatMap((name) => {
    try {
      return [{ name, create: FACTORIES[name](options) }];
    } catch (error) {
      onError(name, error);
      return [];
    }
  });
  return loaded.flatMap(({ name, create }) => {
    try {
      return [create()].flat();
    } catch (error) {
      onError(name, error);
      return [];
    }
  });
}
