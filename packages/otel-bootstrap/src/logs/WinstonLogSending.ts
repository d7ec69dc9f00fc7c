import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { diag } from '@opentelemetry/api';
import { LogsApiWinstonTransport } from './LogsApiWinstonTransport';

const WINSTON_VERSIONS = ['>=3 <4'];

/** What this reads of winston's Logger class. */
interface WinstonLoggerClass {
  prototype: {
    configure(this: WinstonLogger, ...args: unknown[]): unknown;
  };
}

interface WinstonLogger {
  readonly transports: readonly unknown[];
  add(transport: unknown): unknown;
}

/**
 * Sends every winston 3 logger's records to the logs pipeline: each time a logger is configured (its constructor
 * does, and `configure()` replaces every transport), a {@link LogsApiWinstonTransport} is added beside the app's.
 *
 * Upstream's WinstonInstrumentation does this itself only with `@opentelemetry/winston-transport`, which emits through
 * `@opentelemetry/api-logs`, a global the SDK 3 LoggerProvider is not registered in; so it runs with log sending off
 * (it still puts trace ids into the records the app prints) and this adds the transport.
 *
 * Both patch `configure`, and upstream's patch first unwraps any `configure` shimmer wrapped, which would silently
 * drop ours whenever its hook runs after ours (in an install where each uses its own copy of
 * `@opentelemetry/instrumentation`, the order is not ours to choose). So ours is a plain function that shimmer
 * does not take for a wrapper: whichever patch comes second wraps the first.
 */
export class WinstonLogSending extends InstrumentationBase<InstrumentationConfig> {
  constructor(config: InstrumentationConfig = {}) {
    super('@org/otel-bootstrap/winston-log-sending', '0.1.0', config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const file = new InstrumentationNodeModuleFile(
      'winston/lib/winston/logger.js',
      WINSTON_VERSIONS,
      (logger: WinstonLoggerClass) => (patch(logger.prototype), logger),
      (logger?: WinstonLoggerClass) => (logger && unpatch(logger.prototype), logger),
    );
    return [
      new InstrumentationNodeModuleDefinition(
        'winston',
        WINSTON_VERSIONS,
        (module) => module,
        () => undefined,
        [file],
      ),
    ];
  }
}

type Configure = WinstonLoggerClass['prototype']['configure'];

/** On our `configure`: the one it calls. */
const ORIGINAL = Symbol('otel-bootstrap winston configure');

function patch(prototype: WinstonLoggerClass['prototype']): void {
  const original = prototype.configure;
  if (ORIGINAL in original) return;
  prototype.configure = Object.assign(withTransport(original), { [ORIGINAL]: original });
}

/** Restores the `configure` ours called, unless another patch has since wrapped ours (then ours stays in place). */
function unpatch(prototype: WinstonLoggerClass['prototype']): void {
  const current = prototype.configure as Configure & { [ORIGINAL]?: Configure };
  if (current[ORIGINAL]) prototype.configure = current[ORIGINAL];
}

function withTransport(original: Configure): Configure {
  return function configure(this: WinstonLogger, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    // Added once the app's own configure() has run, so its options and transports stay as they were. (A logger
    // given no transports no longer warns that it has none, as with upstream's transport.)
    try {
      if (!this.transports.some((transport) => transport instanceof LogsApiWinstonTransport)) {
        this.add(new LogsApiWinstonTransport());
      }
    } catch (error) {
      diag.error('could not add the log-sending transport to a winston logger; its records are not exported', error);
    }
    return result;
  };
}
