/**
 * Reads the environment against the table: one value per row, typed from the row, and one warning per bad or
 * deprecated variable. A bad value never throws: its warning names the variable, the value, what was expected and
 * the fallback, and the fallback is used.
 *
 * Kept apart from the sections (read-config.ts) so that the entry files can ask one cheap question, such as
 * OTEL_SDK_DISABLED, without loading more than the table.
 */

import { CONFIG, CONFIG_ROWS } from './config-table';
import type { ConfigKey, ConfigRow, ConfigVariable } from './config-table';
import { deprecation, printable } from './config-warning';
import type { ConfigWarning } from './config-warning';
import { describeAllowed, ParseError, parseValue, PartialList } from './parse-values';

/** A row's allowed values as a union, or string when it has none. */
type Allowed<R extends ConfigVariable> = R extends { readonly allowed: readonly (infer A extends string)[] }
  ? A
  : string;

/** The type a row's value parses to, before `undefined` for a row without a default. */
type Parsed<R extends ConfigVariable> = R['type'] extends 'boolean'
  ? boolean
  : R['type'] extends 'integer' | 'duration'
    ? number
    : R['type'] extends 'keyvalue'
      ? Readonly<Record<string, string>>
      : R['type'] extends 'enum'
        ? Allowed<R>
        : R['type'] extends 'list'
          ? readonly Allowed<R>[]
          : string;

/** A row's value: boolean, number, string, key-value pairs, one allowed value, or a list of them; optional rows add `undefined`. */
export type ValueOf<R extends ConfigVariable> = R['default'] extends string ? Parsed<R> : Parsed<R> | undefined;

/** Every variable's value, by name, typed from its row: `values.OTEL_BSP_MAX_QUEUE_SIZE` is a number. */
export type ConfigValues = { readonly [K in ConfigKey]: ValueOf<(typeof CONFIG)[K]> };

/** The environment, as process.env holds it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates every row. Never throws. */
export function readEnv(env: Env): { readonly values: ConfigValues; readonly warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [];
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const row of CONFIG_ROWS) values[row.key] = readRow(row, env, warnings);
  // The one cast: readRow parses each row to the type ValueOf gives it (test/unit/config.test.ts checks each type).
  return { values: values as ConfigValues, warnings };
}

/** One variable, without its warnings: for the entry files, before anything else loads. */
export function readVariable<K extends ConfigKey>(key: K, env: Env): ValueOf<(typeof CONFIG)[K]> {
  return readRow({ key, ...CONFIG[key] }, env, []) as ValueOf<(typeof CONFIG)[K]>;
}

/** True when OTEL_SDK_DISABLED asks for nothing to load. Reads one variable only, so the entry stays cheap. */
export function isSdkDisabled(env: Env = process.env): boolean {
  return readVariable('OTEL_SDK_DISABLED', env);
}

/** True unless OTEL_BOOTSTRAP_COMPILE_CACHE=false. Read before anything heavy loads. */
export function wantsCompileCache(env: Env = process.env): boolean {
  return readVariable('OTEL_BOOTSTRAP_COMPILE_CACHE', env);
}

function readRow(row: ConfigRow, env: Env, warnings: ConfigWarning[]): unknown {
  const { name, value } = rawValue(row, env, warnings);
  if (value === undefined || value === '') return fallback(row);
  const parsed = parseValue(row, value);
  if (parsed instanceof ParseError) {
    const instead = row.default === undefined ? 'leaving it unset' : `using the default "${row.default}"`;
    warnings.push({
      key: name,
      message: `${name}="${row.secret ? '<masked>' : printable(value)}" is invalid: expected ${parsed.expected}; ${instead}.`,
    });
    return fallback(row);
  }
  if (parsed instanceof PartialList) {
    warnings.push({
      key: name,
      message:
        `${name}="${printable(value)}" has unknown entries ${parsed.unknown.map((u) => `"${printable(u)}"`).join(', ')}: ` +
        `expected a comma-separated list of ${describeAllowed(row)}; ignoring them.`,
    });
    return parsed.known;
  }
  return parsed;
}

/**
 * The variable to read for a row, and its trimmed text: the row's own name, else the name it replaces. Setting the
 * old name gives one warning naming the new one, whether its value is used or the new name's wins.
 */
function rawValue(row: ConfigRow, env: Env, warnings: ConfigWarning[]): { name: string; value: string | undefined } {
  const own = env[row.key]?.trim();
  const old = row.replaces === undefined ? undefined : env[row.replaces]?.trim();
  if (row.replaces === undefined || old === undefined || old === '') return { name: row.key, value: own };
  const ownSet = own !== undefined && own !== '';
  warnings.push(deprecation(row.replaces, row.replaces, row.key, ownSet));
  return ownSet ? { name: row.key, value: own } : { name: row.replaces, value: old };
}

function fallback(row: ConfigVariable): unknown {
  return row.default === undefined ? undefined : parseValue(row, row.default);
}
