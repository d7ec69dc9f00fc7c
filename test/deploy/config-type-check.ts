import { parse } from 'yaml';
import type { ComponentKind, Distribution, GoType } from './collector-schema';
import { service } from './collector-schema';

/** One value the collector's strict decoder would refuse, or a key it does not know. */
export interface Problem {
  /** Dotted key path in the file, e.g. `exporters.load_balancing.resolver.dns.port`. */
  path: string;
  expected: string;
  actual: string;
}

const kinds: ComponentKind[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];

// Go's time.ParseDuration: "0", or a sequence of decimal numbers each with a unit.
const goDuration = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
// A value that is one placeholder: `${env:NAME}`, `${NAME}` (env is the default scheme), `${env:NAME:-default}`.
const wholePlaceholder = /^\$\{(?:env:)?[A-Za-z_]\w*(?::-(.*))?\}$/s;

/**
 * Checks a parsed collector config against a distribution's structs the way confmap decodes it (core v0.159.0
 * confmap/internal/decoder.go): unknown keys fail (`ErrorUnused`), types do not convert (`WeaklyTypedInput: false`)
 * except through its hooks (string to time.Duration, string to []string split on commas, placeholders).
 */
export function checkConfig(config: unknown, distribution: Distribution): Problem[] {
  const problems: Problem[] = [];
  if (!isMap(config)) return [{ path: '(root)', expected: 'a map of sections', actual: describe(config) }];
  for (const [section, value] of Object.entries(config)) {
    if (section === 'service') checkValue(value, service, section, 'otelcol.Config', problems);
    else if ((kinds as string[]).includes(section))
      checkComponents(section as ComponentKind, value, distribution, problems);
    else
      problems.push({
        path: section,
        expected: `a section of otelcol.Config (service, ${kinds.join(', ')})`,
        actual: 'an unknown key',
      });
  }
  return problems;
}

function checkComponents(kind: ComponentKind, section: unknown, distribution: Distribution, problems: Problem[]): void {
  if (section === null) return;
  if (!isMap(section)) {
    problems.push({ path: kind, expected: 'a map of component IDs', actual: describe(section) });
    return;
  }
  const known = distribution.components[kind];
  for (const [componentId, config] of Object.entries(section)) {
    const type = componentId.split('/')[0];
    const schema = Object.hasOwn(known, type) ? known[type] : undefined;
    if (schema) checkValue(config, schema, `${kind}.${componentId}`, distribution.name, problems);
    else {
      const types = Object.keys(known).join(', ') || 'none';
      problems.push({
        path: `${kind}.${componentId}`,
        expected: `a ${kind} type of ${distribution.name} listed in collector-schema.ts (${types})`,
        actual: `unknown type "${type}"`,
      });
    }
  }
}

function checkValue(value: unknown, type: GoType, path: string, owner: string, problems: Problem[]): void {
  // A null (`batch:`) decodes to the zero value of any type.
  if (value === null) return;
  if (typeof value === 'string' && value.includes('${')) {
    const placeholder = wholePlaceholder.exec(value);
    // Embedded in a longer string, a placeholder expands to a string: check it as one, below.
    if (placeholder) return checkPlaceholder(placeholder[1], type, path, owner, problems);
  }
  if (accepts(value, type)) {
    if (type.kind === 'list' && Array.isArray(value))
      value.forEach((v, i) => checkValue(v, type.of, `${path}[${i}]`, owner, problems));
    if (type.kind === 'map' && isMap(value))
      for (const [k, v] of Object.entries(value)) checkValue(v, type.of, `${path}.${k}`, owner, problems);
    if (type.kind === 'struct' && isMap(value)) checkFields(value, type, path, problems);
    return;
  }
  problems.push({ path, expected: expectedOf(type, owner), actual: actualOf(value, type) });
}

function checkFields(
  value: Record<string, unknown>,
  type: GoType & { kind: 'struct' },
  path: string,
  problems: Problem[],
): void {
  for (const [key, field] of Object.entries(value)) {
    // Tags match case-sensitively (the decoder's MatchName).
    if (Object.hasOwn(type.fields, key)) checkValue(field, type.fields[key], `${path}.${key}`, type.go, problems);
    else {
      const keys = Object.keys(type.fields).join(', ') || 'none';
      problems.push({
        path: `${path}.${key}`,
        expected: `a key of ${type.go} listed in collector-schema.ts (${keys})`,
        actual: 'an unknown key',
      });
    }
  }
}

// The collector keeps both the expanded text and its YAML parse: a string field gets the text, any other field the
// parsed value (confmap/internal/decoder.go useExpandValue). So a placeholder always fits a string field, and fits
// another field when its default parses to that type; without a default it is only known at run time.
function checkPlaceholder(
  fallback: string | undefined,
  type: GoType,
  path: string,
  owner: string,
  problems: Problem[],
): void {
  if (type.kind === 'string' || fallback === undefined) return;
  const inner: Problem[] = [];
  checkValue(parse(fallback), type, path, owner, inner);
  for (const p of inner) problems.push({ ...p, actual: `the placeholder's default "${fallback}": ${p.actual}` });
}

function accepts(value: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
    case 'id':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'duration':
      return typeof value === 'string' && goDuration.test(value);
    case 'int':
      return Number.isInteger(value);
    case 'uint':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'float':
      return typeof value === 'number';
    case 'list':
      // StringToSliceHookFunc(",") turns a string into []string; component.ID lists get no such help.
      return Array.isArray(value) || (type.of.kind === 'string' && typeof value === 'string');
    case 'map':
    case 'struct':
      return isMap(value);
  }
}

function expectedOf(type: GoType, owner: string): string {
  const what = type.kind === 'duration' ? 'duration, a string such as "5s"' : type.kind;
  return `${what} (Go ${type.go} in ${owner})`;
}

function actualOf(value: unknown, type: GoType): string {
  if (type.kind === 'duration' && typeof value === 'number') return `${describe(value)}, which Go reads as nanoseconds`;
  if (type.kind === 'duration' && typeof value === 'string')
    return `string ${JSON.stringify(value)}, not a Go duration`;
  return describe(value);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'int' : 'float'} ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `bool ${value}`;
  if (Array.isArray(value)) return 'list';
  return isMap(value) ? 'map' : String(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
