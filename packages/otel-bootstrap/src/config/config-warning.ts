/**
 * A problem found while reading the configuration: a bad variable, a bad rules file, or a deprecated name. Every
 * stage's problems are reported in this one shape, keyed by the variable at fault.
 */
export interface ConfigWarning {
  /** The variable at fault; a rules-file problem is keyed by OTEL_BOOTSTRAP_SAMPLING_RULES_FILE. */
  readonly key: string;
  readonly message: string;
  /**
   * Set when the warning only says a name is deprecated: its value was still used (or a newer name's won), so the
   * configuration is not wrong, and `doctor` does not fail on it.
   */
  readonly deprecated?: true;
}

/** Keeps a hostile value from writing control characters or megabytes into the app's log. */
export function printable(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

/**
 * The one wording of a deprecated name: `current` is what to use instead, `currentSet` says it was set too, and
 * `where` (such as `rules.json:3: `) starts the message.
 */
export function deprecation(key: string, old: string, current: string, currentSet: boolean, where = ''): ConfigWarning {
  const message = currentSet
    ? `${where}${old} is deprecated and ignored: ${current} is set and wins; remove ${old}.`
    : `${where}${old} is deprecated: rename it ${current}; its value is used until then.`;
  return { key, message, deprecated: true };
}
