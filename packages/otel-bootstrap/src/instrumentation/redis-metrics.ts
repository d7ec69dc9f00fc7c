import * as diagnosticsChannel from 'node:diagnostics_channel';
import { context as contextApi } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { rememberAttributeSet } from '../metrics/attribute-set-hashes';
import { DB_DURATION_BOUNDARIES, durationOptions, LazyHistogram } from './LazyHistogram';

// `db.client.operation.duration` for Redis. Upstream's instrumentation-ioredis 0.72 and instrumentation-redis 0.72
// record no metrics, so this listens to the tracing channels the clients publish for every command: ioredis 5.11+
// `ioredis:command`, node-redis 5.12+ `node-redis:command` (older clients publish nothing, and get no metric). The
// channels fire whether or not a span is sampled, and cost the client nothing until someone subscribes. node-redis
// 5.12 also has its own opt-in OpenTelemetry metrics (`OpenTelemetry.init`); an app that turns them on gets theirs
// too, under node-redis' own scope. Attributes: db.system.name, db.operation.name (the command, upper-cased),
// db.namespace (the database index), server.address, server.port, error.type; Redis is not among the systems the
// database conventions have declared stable, so its attributes may still change upstream.

/** What ioredis and node-redis put in a command's tracing context (the fields we read). */
interface CommandContext {
  readonly command?: unknown;
  readonly database?: unknown;
  readonly serverAddress?: unknown;
  readonly serverPort?: unknown;
  readonly error?: unknown;
}

const STARTED = Symbol('otel-bootstrap redis command start');
type Started = CommandContext & { [STARTED]?: { readonly start: number; readonly context: Context } };

/** Attribute sets kept at most (one per command name and server); past it, sets are made per command. */
const MAX_CACHED = 1000;

/**
 * Subscribes to one client's command channel; returns how to unsubscribe. Subscribing twice (two instrumentations
 * created for the same client) is a no-op.
 */
export function recordRedisDurations(client: 'ioredis' | 'node-redis'): () => void {
  const existing = SUBSCRIBED.get(client);
  if (existing) return existing;
  const histogram = new LazyHistogram(
    `@org/otel-bootstrap/${client}`,
    '0.1.0',
    'db.client.operation.duration',
    durationOptions('Duration of database client operations.', DB_DURATION_BOUNDARIES),
  );
  const cache = new Map<string, Attributes>();
  const handlers = {
    start(message: unknown) {
      // start runs in the caller's context: the exemplar points at the span the command was sent from.
      if (typeof message === 'object' && message !== null && Object.isExtensible(message)) {
        (message as Started)[STARTED] = { start: performance.now(), context: contextApi.active() };
      }
    },
    asyncEnd(message: unknown) {
      const command = message as Started;
      const started = command[STARTED];
      if (!started) return;
      // A subscriber that throws has its error rethrown in the app, uncaught: nothing here may throw.
      try {
        const attributes = commandAttributes(command, cache);
        histogram.record((performance.now() - started.start) / 1000, attributes, started.context);
      } catch {
        // the measurement is lost, nothing else
      }
    },
  };
  const channel = diagnosticsChannel.tracingChannel(`${client}:command`);
  channel.subscribe(handlers as Parameters<typeof channel.subscribe>[0]);
  const unsubscribe = () => {
    channel.unsubscribe(handlers as Parameters<typeof channel.unsubscribe>[0]);
    SUBSCRIBED.delete(client);
  };
  SUBSCRIBED.set(client, unsubscribe);
  return unsubscribe;
}

const SUBSCRIBED = new Map<string, () => void>();

function commandAttributes(command: CommandContext, cache: Map<string, Attributes>): Attributes {
  const name = String(command.command ?? '').toUpperCase();
  const { database, serverAddress, serverPort } = command;
  const key = `${name} ${database} ${serverAddress} ${serverPort}`;
  let attributes = cache.get(key);
  if (!attributes) {
    attributes = { 'db.system.name': 'redis' };
    if (name) attributes['db.operation.name'] = name;
    if (database !== undefined && database !== null) attributes['db.namespace'] = String(database);
    if (typeof serverAddress === 'string') attributes['server.address'] = serverAddress;
    const port = Number(serverPort);
    if (serverPort !== undefined && Number.isInteger(port)) attributes['server.port'] = port;
    if (cache.size < MAX_CACHED) cache.set(key, rememberAttributeSet(attributes));
  }
  return command.error === undefined ? attributes : { ...attributes, 'error.type': errorType(command.error) };
}

function errorType(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name ? name : '_OTHER';
}
