/**
 * Parsers for the value kinds of the configuration table. None throws: a bad value comes back as a
 * {@link ParseError} saying what was expected, which read-env.ts turns into one warning.
 */

import type { ConfigVariable } from './config-table';

/** What a value should have looked like. */
export class ParseError {
  constructor(readonly expected: string) {}
}

/** A list some of whose entries are not allowed: the known ones are used, the others reported. */
export class PartialList {
  constructor(
    readonly known: string[],
    readonly unknown: string[],
  ) {}
}

/** Parses a non-empty, trimmed value as its row's type says. */
export function parseValue(row: ConfigVariable, value: string): unknown {
  switch (row.type) {
    case 'string':
      return value;
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return new ParseError('"true" or "false"');
    }
    case 'enum': {
      const lower = value.toLowerCase();
      return row.allowed?.includes(lower) ? lower : new ParseError(`one of ${describeAllowed(row)}`);
    }
    case 'list':
      return parseList(row, value);
    case 'integer': {
      const min = row.min ?? 0;
      if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
        return new ParseError(`a whole number of at least ${min}`);
      }
      return Number(value);
    }
    case 'url':
      return parseUrl(value);
    case 'keyvalue':
      return parseKeyValues(value);
    case 'duration':
      return parseDuration(value) ?? new ParseError('a duration such as "500ms", "2s" or "1m"');
  }
}

function parseList(row: ConfigVariable, value: string): string[] | PartialList | ParseError {
  const entries = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (!row.allowed) return entries;
  const known = entries.filter((e) => row.allowed?.includes(e));
  const unknown = entries.filter((e) => !row.allowed?.includes(e));
  if (unknown.length === 0) return known;
  if (known.length === 0) return new ParseError(`a comma-separated list of ${describeAllowed(row)}`);
  return new PartialList(known, unknown);
}

/** An http:// or https:// URL, as written. */
export function parseUrl(value: string): string | ParseError {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return new ParseError('an http:// or https:// URL');
    return value;
  } catch {
    return new ParseError('an http:// or https:// URL');
  }
}

/**
 * Parses the W3C-baggage-like `key=value,key=value` format shared by OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS. A malformed pair invalidates the whole value, as the spec asks.
 */
export function parseKeyValues(value: string): Record<string, string> | ParseError {
  const result: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return new ParseError('comma-separated key=value pairs');
    try {
      const key = decodeURIComponent(pair.slice(0, eq).trim());
      const val = decodeURIComponent(pair.slice(eq + 1).trim());
      if (key === '' || /[\u0000-\u001f\u007f]/.test(key + val))
        return new ParseError('comma-separated key=value pairs');
      result[key] = val;
    } catch {
      return new ParseError('comma-separated key=value pairs with valid percent-encoding');
    }
  }
  return result;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "2s" → 2000, "500ms" → 500, "1.5m" → 90000, "250" → 250 (milliseconds). */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS[(match[2] ?? 'ms').toLowerCase()]);
}

/** A number from 0 to 1, or undefined. */
export function parseRatio(value: string): number | undefined {
  const n = Number(value);
  return /^\s*[\d.eE+-]+\s*$/.test(value) && Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/** `"a", "b", "c"`: a row's allowed values, for messages. */
export function describeAllowed(row: ConfigVariable): string {
  return (row.allowed ?? []).map((a) => `"${a}"`).join(', ');
}
