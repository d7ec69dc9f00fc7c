import { Writable } from 'node:stream';
import { diag, logs } from '@opentelemetry/api';
import type { AnyValue, Context, Logger } from '@opentelemetry/api';
import { severityOfWinstonLevel } from './winston-severity';

// triple-beam's symbols, which winston sets on every record: the level without colors, and the formatted line.
const LEVEL = Symbol.for('level');
/** Where the winston instrumentation's `write` patch leaves the context the app logged in. */
const CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');
/** Record fields that are not attributes: the body, the level, format.splat()'s arguments, and the ids the record carries anyway. */
const NOT_ATTRIBUTES = new Set(['level', 'message', 'splat', 'trace_id', 'span_id', 'trace_flags']);

/** What winston hands a transport, as far as this one reads it. */
interface WinstonRecord {
  readonly [key: string]: unknown;
  readonly [LEVEL]?: string;
  readonly [CONTEXT]?: Context;
  readonly exception?: unknown;
}

/** The logger a transport is piped from: its level and level set decide what passes. */
interface WinstonParent {
  readonly level?: string;
  readonly levels?: Readonly<Record<string, number>>;
}

/**
 * A winston transport that emits each record to the global LoggerProvider of `@opentelemetry/api`, as
 * `@opentelemetry/winston-transport` does for the older `@opentelemetry/api-logs` (whose global this SDK does not
 * fill): severity from the level, the message as body, the other fields as attributes, in the context the app logged
 * in (so with the active span's trace and span ids).
 *
 * A plain object-mode Writable with a two-argument `log`, which is all winston 3 asks of a transport: winston's own
 * base class lives in the app's dependencies, not ours. It filters by its logger's level as that base class does.
 */
export class LogsApiWinstonTransport extends Writable {
  private parent: WinstonParent | undefined;
  private otelLogger: Logger | undefined;
  private reported = false;

  constructor() {
    super({ objectMode: true });
    this.on('pipe', (source: WinstonParent) => (this.parent = source));
  }

  /** winston checks a transport's `log` arity to tell a winston 3 transport from a legacy one. */
  log(record: WinstonRecord, next: () => void): void {
    try {
      this.emitRecord(record);
    } catch (error) {
      if (!this.reported) diag.error('could not send a winston record as a log record (reported once)', error);
      this.reported = true;
    }
    next();
  }

  override _write(record: WinstonRecord, _encoding: BufferEncoding, next: (error?: Error | null) => void): void {
    // Records of winston's uncaught-exception handler go only to transports that ask for them, and this one does not.
    if (record.exception === true || !this.passes(record[LEVEL])) {
      next();
      return;
    }
    this.log(record, next);
  }

  private passes(level: string | undefined): boolean {
    const levels = this.parent?.levels;
    const threshold = this.parent?.level;
    if (!levels || threshold === undefined || level === undefined) return true;
    return (levels[threshold] ?? Infinity) >= (levels[level] ?? -Infinity);
  }

  private emitRecord(record: WinstonRecord): void {
    const level = String(record[LEVEL] ?? record.level ?? '');
    const attributes: Record<string, AnyValue> = {};
    for (const key of Object.keys(record)) {
      if (!NOT_ATTRIBUTES.has(key)) attributes[key] = record[key] as AnyValue;
    }
    // The logger is taken on the first record, so a transport made before the pipeline started still finds it.
    this.otelLogger ??= logs.getLogger('@org/otel-bootstrap/winston');
    this.otelLogger.emit({
      severityNumber: severityOfWinstonLevel(level),
      severityText: level,
      body: record.message as AnyValue,
      attributes,
      context: record[CONTEXT],
    });
  }
}
