import { readFileSync } from 'node:fs';
import { getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { deprecation } from './config-warning';
import type { ConfigWarning } from './config-warning';
import { parseDuration } from './parse-values';

/** What a rule in the file matches. Every field is optional; all given fields must match. */
export interface FileRuleMatch {
  readonly service?: string;
  readonly kind?: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly method?: string;
  readonly path?: string;
  /** Attribute values at span start; string values are globs where `*` matches anything. */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

export interface FileRule {
  readonly name: string;
  readonly match: FileRuleMatch;
  readonly ratio: number;
  /** At most this many traces a second are sampled by this rule. */
  readonly maxPerSecond?: number;
}

/** OTEL_BOOTSTRAP_SAMPLING_RULES_FILE, validated. Settings it leaves out come from the environment. */
export interface RulesFile {
  readonly rules: FileRule[];
  readonly defaultRatio?: number;
  readonly keepErrors?: boolean;
  readonly keepSlowerThanMs?: number;
  readonly keepBuffer?: { readonly maxSpans?: number; readonly ttlMs?: number };
}

/**
 * Thrown-free outcome: the file (with a warning per deprecated setting it still honours, if any), or why it was
 * rejected (with the line at fault).
 */
export type RulesFileResult =
  { readonly file: RulesFile; readonly warnings?: readonly ConfigWarning[] } | { readonly error: string };

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

/** `keepBuffer` was called `buffer` before it was named like the other keep settings; `buffer` still works. */
const BUFFER = 'keepBuffer';
const OLD_BUFFER = 'buffer';

/** Reads and validates a rules file. Never throws. */
export function loadRulesFile(path: string): RulesFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { error: `cannot read ${path}: ${(error as Error).message}` };
  }
  return parseRulesFile(text, path);
}

type Settings = { -readonly [K in keyof RulesFile]?: RulesFile[K] };
type Invalid = { readonly error: string; readonly node: Node };

/** Validates the text of a rules file; `source` names it in messages. */
export function parseRulesFile(text: string, source: string): RulesFileResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const where = first ? lineOf(text, first.offset) : 1;
    return { error: `${source}:${where}: invalid JSON (${first ? printParseErrorCode(first.error) : 'empty'})` };
  }
  const at = (node: Node) => `${source}:${lineOf(text, node.offset)}`;
  if (root.type !== 'object') return { error: `${at(root)}: expected an object at the top level` };

  const settings: Settings = { rules: [] };
  const oldBuffer: { value?: Settings['keepBuffer']; node?: Node } = {};
  for (const property of root.children ?? []) {
    const [keyNode, valueNode] = property.children as [Node, Node];
    const key = keyNode.value as string;
    const invalid =
      key === OLD_BUFFER
        ? readOldBuffer(valueNode, keyNode, oldBuffer)
        : readSetting(key, valueNode, keyNode, settings);
    if (invalid) return { error: `${at(invalid.node)}: ${invalid.error}` };
  }
  if (!oldBuffer.node) return { file: settings as RulesFile };
  // The new name wins when both are set; either way, one warning names it.
  const warning = deprecation(
    'OTEL_BOOTSTRAP_SAMPLING_RULES_FILE',
    `"${OLD_BUFFER}"`,
    `"${BUFFER}"`,
    settings.keepBuffer !== undefined,
    `${at(oldBuffer.node)}: `,
  );
  settings.keepBuffer ??= oldBuffer.value;
  return { file: settings as RulesFile, warnings: [warning] };
}

function readOldBuffer(valueNode: Node, keyNode: Node, into: { value?: Settings['keepBuffer']; node?: Node }) {
  const buffer = validateBuffer(valueNode, OLD_BUFFER);
  if ('error' in buffer) return buffer;
  into.value = buffer.buffer;
  into.node = keyNode;
  return undefined;
}

/** Validates one top-level setting into `settings`; returns what is wrong with it, if anything. */
function readSetting(key: string, valueNode: Node, keyNode: Node, settings: Settings): Invalid | undefined {
  const value = getNodeValue(valueNode) as unknown;
  const fail = (error: string) => ({ error, node: valueNode });
  switch (key) {
    case 'rules': {
      if (valueNode.type !== 'array') return fail('"rules" must be an array');
      for (const [index, ruleNode] of (valueNode.children ?? []).entries()) {
        const rule = validateRule(ruleNode, index);
        if ('error' in rule) return rule;
        settings.rules?.push(rule.rule);
      }
      return undefined;
    }
    case 'defaultRatio':
      if (!isRatio(value)) return fail('"defaultRatio" must be a number from 0 to 1');
      settings.defaultRatio = value;
      return undefined;
    case 'keepErrors':
      if (typeof value !== 'boolean') return fail('"keepErrors" must be true or false');
      settings.keepErrors = value;
      return undefined;
    case 'keepSlowerThan': {
      const ms = typeof value === 'string' ? parseDuration(value) : undefined;
      if (ms === undefined) return fail('"keepSlowerThan" must be a duration such as "2s"');
      settings.keepSlowerThanMs = ms;
      return undefined;
    }
    case BUFFER: {
      const buffer = validateBuffer(valueNode, BUFFER);
      if ('error' in buffer) return buffer;
      settings.keepBuffer = buffer.buffer;
      return undefined;
    }
    default:
      return { error: `unknown setting "${key}"`, node: keyNode };
  }
}

function validateRule(node: Node, index: number): { rule: FileRule } | Invalid {
  if (node.type !== 'object') return { error: `rule ${index + 1} must be an object`, node };
  const fields = new Map((node.children ?? []).map((p) => [p.children?.[0].value as string, p.children?.[1] as Node]));
  for (const [key, valueNode] of fields) {
    if (!['name', 'match', 'ratio', 'maxPerSecond'].includes(key)) {
      return { error: `rule ${index + 1} has an unknown field "${key}"`, node: valueNode };
    }
  }
  const ratioNode = fields.get('ratio');
  const ratio = ratioNode && (getNodeValue(ratioNode) as unknown);
  if (!ratioNode || !isRatio(ratio)) {
    return { error: `rule ${index + 1} needs "ratio", a number from 0 to 1`, node: ratioNode ?? node };
  }
  const limitNode = fields.get('maxPerSecond');
  const maxPerSecond = limitNode && (getNodeValue(limitNode) as unknown);
  if (limitNode && (typeof maxPerSecond !== 'number' || !(maxPerSecond > 0))) {
    return { error: `rule ${index + 1}: "maxPerSecond" must be a number above 0`, node: limitNode };
  }
  const nameNode = fields.get('name');
  const name = nameNode ? (getNodeValue(nameNode) as unknown) : `rule ${index + 1}`;
  if (typeof name !== 'string') return { error: `rule ${index + 1}: "name" must be a string`, node: nameNode ?? node };
  const matchNode = fields.get('match');
  const match = matchNode ? validateMatch(matchNode, index) : { match: {} };
  if ('error' in match) return match;
  return { rule: { name, match: match.match, ratio, ...(limitNode ? { maxPerSecond: maxPerSecond as number } : {}) } };
}

function validateMatch(node: Node, index: number): { match: FileRuleMatch } | Invalid {
  const value = getNodeValue(node) as Record<string, unknown>;
  if (node.type !== 'object') return { error: `rule ${index + 1}: "match" must be an object`, node };
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children as [Node, Node];
    const key = keyNode.value as string;
    const v = value[key];
    const fail = (what: string) => ({ error: `rule ${index + 1}: "match.${key}" ${what}`, node: valueNode });
    if (key === 'kind') {
      if (typeof v !== 'string' || !KINDS.includes(v.toLowerCase())) return fail(`must be one of ${KINDS.join(', ')}`);
    } else if (key === 'service' || key === 'method' || key === 'path') {
      if (typeof v !== 'string' || v === '') return fail('must be a non-empty string');
      if (key === 'path' && !v.startsWith('/')) return fail('must start with "/"');
    } else if (key === 'attributes') {
      const ok =
        valueNode.type === 'object' &&
        Object.values(v as object).every((a) => ['string', 'number', 'boolean'].includes(typeof a));
      if (!ok) return fail('must map attribute names to strings, numbers or booleans');
    } else {
      return { error: `rule ${index + 1}: unknown matcher "${key}"`, node: keyNode };
    }
  }
  const kind = typeof value.kind === 'string' ? (value.kind.toLowerCase() as FileRuleMatch['kind']) : undefined;
  return { match: { ...(value as FileRuleMatch), ...(kind ? { kind } : {}) } };
}

function validateBuffer(node: Node, name: string): { buffer: NonNullable<RulesFile['keepBuffer']> } | Invalid {
  if (node.type !== 'object') return { error: `"${name}" must be an object`, node };
  const buffer: { maxSpans?: number; ttlMs?: number } = {};
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children as [Node, Node];
    const value = getNodeValue(valueNode) as unknown;
    if (keyNode.value === 'maxSpans') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        return { error: `"${name}.maxSpans" must be a whole number of at least 1`, node: valueNode };
      }
      buffer.maxSpans = value;
    } else if (keyNode.value === 'ttl') {
      const ms = typeof value === 'string' ? parseDuration(value) : undefined;
      if (ms === undefined) return { error: `"${name}.ttl" must be a duration such as "30s"`, node: valueNode };
      buffer.ttlMs = ms;
    } else {
      return { error: `unknown ${name} setting "${String(keyNode.value)}"`, node: keyNode };
    }
  }
  return { buffer };
}

function isRatio(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
