import { SeverityNumber } from '@opentelemetry/api';

/**
 * winston's level names (its npm, syslog and cli sets, and the OTel-named set) as OpenTelemetry severities, placed
 * by the log data model's ranges: npm's `http` and `verbose` sit between DEBUG and INFO, syslog's `notice` just above
 * INFO, and its `crit`, `alert` and `emerg` climb the FATAL range. A level an app invented maps to none.
 */
const SEVERITY_OF_LEVEL: Readonly<Record<string, SeverityNumber>> = {
  emerg: SeverityNumber.FATAL3,
  alert: SeverityNumber.FATAL2,
  crit: SeverityNumber.FATAL,
  fatal: SeverityNumber.FATAL,
  error: SeverityNumber.ERROR,
  warning: SeverityNumber.WARN,
  warn: SeverityNumber.WARN,
  notice: SeverityNumber.INFO2,
  help: SeverityNumber.INFO2,
  data: SeverityNumber.INFO3,
  info: SeverityNumber.INFO,
  http: SeverityNumber.DEBUG3,
  verbose: SeverityNumber.DEBUG2,
  debug: SeverityNumber.DEBUG,
  prompt: SeverityNumber.TRACE2,
  input: SeverityNumber.TRACE2,
  silly: SeverityNumber.TRACE,
  trace: SeverityNumber.TRACE,
};

/** The severity of a winston level name; UNSPECIFIED for a level an app invented. */
export function severityOfWinstonLevel(level: string): SeverityNumber {
  return Object.hasOwn(SEVERITY_OF_LEVEL, level) ? SEVERITY_OF_LEVEL[level] : SeverityNumber.UNSPECIFIED;
}
