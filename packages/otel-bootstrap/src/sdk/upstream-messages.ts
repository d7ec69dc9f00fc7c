import { DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

/** What to do with one upstream message: print it at another level, or with a hint of what to set. */
interface Rewrite {
  readonly match: RegExp;
  readonly level?: Level;
  readonly hint?: string;
}

const REWRITES: readonly Rewrite[] = [
  // instrumentation-ioredis 0.72 ends a command's span from both cmd.reject and cmd.resolve, and ioredis can call
  // both for one command (a blocking command that timed out, then answered or flushed on disconnect). The SDK then
  // logs an error the app can do nothing about; the span was exported once, correctly. Debug only.
  { match: /You can only call end\(\) on a span once/, level: 'debug' },
  {
    match: /^Dropped \d+ spans because maxQueueSize reached/,
    hint:
      ': the export queue was full, because the collector takes spans more slowly than the app makes them, or ' +
      'is down. Raise OTEL_BSP_MAX_QUEUE_SIZE for bursts, or keep fewer traces (OTEL_TRACES_SAMPLER_ARG)',
  },
];

const ORDER: Readonly<Record<Level, DiagLogLevel>> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
};

/**
 * A logger in front of `logger` that rewrites the upstream messages above: lowered to a level the user did not ask
 * for (`enabled`), a message is not printed at all; others gain a hint.
 */
export function withUpstreamMessages(logger: DiagLogger, enabled: DiagLogLevel): DiagLogger {
  const forward =
    (level: Level) =>
    (message: string, ...args: unknown[]) => {
      const rewrite = REWRITES.find((candidate) => candidate.match.test(message));
      const to = rewrite?.level ?? level;
      if (ORDER[to] > enabled) return;
      logger[to](rewrite?.hint ? `${message}${rewrite.hint}` : message, ...args);
    };
  return {
    error: forward('error'),
    warn: forward('warn'),
    info: forward('info'),
    debug: forward('debug'),
    verbose: forward('verbose'),
  };
}
