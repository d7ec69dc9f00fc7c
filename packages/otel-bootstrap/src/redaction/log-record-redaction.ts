import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { REDACTED } from './redaction-rules';
import type { RedactionRules } from './redaction-rules';

/**
 * How deep into a log record's nested maps and arrays redaction looks. A logger's records are the app's own objects
 * (pino's parsed line, winston's info), seldom more than a few levels deep; past this a value is dropped whole
 * rather than sent unread.
 */
const MAX_DEPTH = 8;

/**
 * Scrubs a log record in place, with the rules spans get, plus what log records need of their own:
 * - the attributes go through {@link RedactionRules.changes} first, as a span's do (secret keys, URL, SQL and error
 *   text attributes by their semantic-convention names);
 * - a log record's attributes have no fixed names, and loggers nest them (`{ user: { password } }` from pino), so
 *   every nested key is judged by its dotted path (`user.password`), and every string, the body's too, loses the
 *   credentials any free text may hold: query-string secrets, bearer tokens and URL passwords.
 *
 * Values are replaced, never mutated: they may be objects the app still holds.
 */
export function redactLogRecord(record: ReadWriteLogRecord, rules: RedactionRules): void {
  const attributes = record.attributes as Record<string, AnyValue>;
  const spanRules = rules.changes(attributes as Attributes);
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    const redacted = spanRules?.[key] ?? redactNested(rules, key, value, 1);
    if (redacted !== value) record.setAttribute(key, redacted);
  }
  if (record.body !== undefined && record.body !== null) {
    const body = redactValue(rules, '', record.body, 0);
    if (body !== record.body) record.setBody(body);
  }
}

/** A value under `path`: redacted whole when the path names a secret, else scrubbed through. */
function redactValue(rules: RedactionRules, path: string, value: AnyValue, depth: number): AnyValue {
  if (path !== '' && rules.isSecretKey(path)) return REDACTED;
  return redactNested(rules, path, value, depth);
}

/** What a value holds under `path`, whose own key was already judged. */
function redactNested(rules: RedactionRules, path: string, value: AnyValue, depth: number): AnyValue {
  if (typeof value === 'string') return rules.redactCredentials(value);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) {
    const items = value.map((item) => redactNested(rules, path, item, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  let copy: Record<string, AnyValue> | undefined;
  const map = value as Record<string, AnyValue>;
  for (const key of Object.keys(map)) {
    const redacted = redactValue(rules, path === '' ? key : `${path}.${key}`, map[key], depth + 1);
    if (redacted !== map[key]) (copy ??= { ...map })[key] = redacted;
  }
  return copy ?? value;
}
