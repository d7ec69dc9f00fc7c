/**
 * A problem found while reading the configuration: a bad variable or a bad rules file. Every
 * stage's problems are reported in this one shape, keyed by the variable at fault.
 */
export interface ConfigWarning {
  /** The variable at fault; a rules-file problem is keyed by OTEL_BOOTSTRAP_SAMPLING_RULES_FILE. */
  readonly key: string;
  readonly message: string;
}

/** Keeps a hostile value from writing control characters or megabytes into the app's log. */
export function printable(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
