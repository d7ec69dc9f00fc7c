/**
 * What the trace, metrics and logs decoders share: OTLP/JSON's hex ids turned into bytes before the schema reads
 * them, and attributes and AnyValues flattened into plain values for assertions.
 */

/** A decoded protobufjs object, before it is flattened. */
export type Obj = Record<string, unknown>;

/** protobufjs `toObject` options: 64-bit integers as strings (no precision lost), enums by name, every field. */
export const TO_OBJECT = { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true, arrays: true };

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/**
 * OTLP/JSON writes trace and span ids as hex, where protobuf JSON (and protobufjs's `fromObject`) expects base64;
 * this turns them into byte arrays in place, and throws on an id that is not hex.
 */
export function hexIdsToBytes(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(hexIdsToBytes);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Obj;
  for (const [key, value] of Object.entries(record)) {
    if (ID_FIELDS.has(key) && typeof value === 'string') {
      if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new Error(`OTLP/JSON ${key} is not hex: ${value}`);
      record[key] = Array.from(Buffer.from(value, 'hex'));
    } else {
      hexIdsToBytes(value);
    }
  }
}

/** A list of KeyValues as one object; an integer becomes a number, bytes a Buffer. */
export function attributesOf(list: Obj[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const kv of list ?? []) result[String(kv.key)] = anyValue(kv.value as Obj | undefined);
  return result;
}

/** One AnyValue as a plain value; `undefined` when it holds none. */
export function anyValue(value: Obj | undefined): unknown {
  if (!value || typeof value.value !== 'string') return undefined;
  const field = value.value;
  const v = value[field];
  switch (field) {
    case 'intValue':
      return Number(v);
    case 'arrayValue':
      return ((v as Obj).values as Obj[]).map(anyValue);
    case 'kvlistValue':
      return attributesOf((v as Obj).values as Obj[]);
    case 'bytesValue':
      return Buffer.from(v as number[]);
    default:
      return v;
  }
}

/** Id bytes as lowercase hex; an absent id is the empty string. */
export function hex(bytes: unknown): string {
  return Buffer.from((bytes as number[] | undefined) ?? []).toString('hex');
}

/** The resource attributes and scope of a `resourceX`/`scopeX` pair, as every signal's flattening needs them. */
export interface Origin {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: { readonly name: string; readonly version: string };
  /** Shorthand for `resource['service.name']`. */
  readonly service: string;
}

/**
 * Walks `request[resourceKey][].scopeKey[]` and calls `each` with every scope's object and its origin, so each
 * signal's decoder only says how to read its own items.
 */
export function forEachScope(
  request: Obj,
  resourceKey: string,
  scopeKey: string,
  each: (scoped: Obj, origin: Origin) => void,
): void {
  for (const resourceItems of (request[resourceKey] as Obj[] | undefined) ?? []) {
    const resource = attributesOf((resourceItems.resource as Obj | undefined)?.attributes as Obj[]);
    for (const scoped of (resourceItems[scopeKey] as Obj[] | undefined) ?? []) {
      const scope = (scoped.scope as Obj | undefined) ?? {};
      each(scoped, {
        resource,
        scope: { name: String(scope.name ?? ''), version: String(scope.version ?? '') },
        service: String(resource['service.name'] ?? ''),
      });
    }
  }
}
