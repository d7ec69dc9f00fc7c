import { diag, DiagLogLevel } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import type { DiagLogger } from '@opentelemetry/api';
import { LogExportError } from '../logs/LogExportError';
import { withUpstreamMessages } from './upstream-messages';

const PREFIX = '[otel-bootstrap]';
const REPEAT_WINDOW_MS = 60_000;

const LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * A stderr logger that prints a repeated message at most once a minute. A collector that is down makes the SDK
 * report the same failure on every export (every 5 s by default); the app's log should get one line a minute, with
 * a count of what was held back.
 */
export class RateLimitedConsoleLogger implements DiagLogger {
  private readonly lastPrinted = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly now: () => number = Date.now,
  ) {}

  error = (message: string, ...args: unknown[]) => this.print('error', message, args);
  warn = (message: string, ...args: unknown[]) => this.print('warn', message, args);
  info = (message: string, ...args: unknown[]) => this.print('info', message, args);
  debug = (message: string, ...args: unknown[]) => this.print('debug', message, args);
  verbose = (message: string, ...args: unknown[]) => this.print('verbose', message, args);

  private print(level: string, message: string, args: unknown[]): void {
    const text = [message, ...args.map(describe)].join(' ');
    const key = `${level}:${repeatKey(text)}`;
    const seen = this.lastPrinted.get(key);
    const now = this.now();
    if (seen && now - seen.at < REPEAT_WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    const held = seen && seen.suppressed > 0 ? ` (${seen.suppressed} similar messages in the last minute)` : '';
    this.lastPrinted.set(key, { at: now, suppressed: 0 });
    if (this.lastPrinted.size > 1000) this.lastPrinted.clear();
    this.write(`${PREFIX} ${level}: ${text}${held}`);
  }
}

/**
 * The lines of a collector outage, by signal: the failed exports (exportFailure below) and the span batch processor's
 * "Dropped N spans". One signal's lines are one problem, so they share one line a minute; each signal has its own,
 * so that a failure of one (a logs-only misconfiguration) is not hidden behind another's (a spans outage). Last, the
 * export messages that name no signal (retries) share one of their own.
 */
const EXPORT_SLOTS: readonly (readonly [RegExp, string])[] = [
  [/^span export failed|^Dropped \d+ spans/, 'export:spans'],
  [/^metric export failed/, 'export:metrics'],
  [/^log export failed/, 'export:log records'],
  [/Export retry time|export (request|failed)/i, 'export'],
];

/**
 * Which messages (of one level) count as repeats of one another: the lines of one signal's export failures
 * ({@link EXPORT_SLOTS}). Otherwise numbers (ports, counts, timings) do not make a message new.
 */
function repeatKey(text: string): string {
  const slot = EXPORT_SLOTS.find(([match]) => match.test(text));
  if (slot) return slot[1];
  return text.replace(/\d+/g, '#').slice(0, 160);
}

function describe(arg: unknown): string {
  if (arg instanceof Error) return arg.message;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

/**
 * Installs the rate-limited logger as OTel's diag logger at the configured level, and routes the SDK's global
 * error handler (which the batch processor calls on every failed export) through it as one short line.
 */
export function installDiagLogger(level: string): void {
  const logLevel = LEVELS[level] ?? DiagLogLevel.INFO;
  diag.setLogger(withUpstreamMessages(new RateLimitedConsoleLogger(), logLevel), {
    logLevel,
    suppressOverrideMessage: true,
  });
  setGlobalErrorHandler((error) => diag.warn(exportFailure(error)));
}

/**
 * The line for an error the SDK hands its global error handler: a failed export of spans (the batch processor), of
 * metrics (the periodic reader, whose errors name it) or of log records (our log exporter's LogExportError).
 */
export function exportFailure(error: unknown): string {
  const summary = errorSummary(error);
  if (error instanceof LogExportError) return `log export failed, log records are being dropped: ${summary}`;
  const metrics = /^PeriodicExportingMetricReader: metrics export failed \((?:error )?([\s\S]*)\)$/.exec(summary);
  if (metrics) return `metric export failed, metrics are being dropped: ${metrics[1]}`;
  return `span export failed, spans are being dropped: ${summary}`;
}

/** "connect ECONNREFUSED 127.0.0.1:4318" rather than a JSON dump of the error and its stack. */
export function errorSummary(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return describe(error);
}
