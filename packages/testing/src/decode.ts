import { ExportTraceServiceRequest } from './otlp-schema';

/** A span as the receiver got it, flattened for assertions. Ids are lowercase hex. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty string for a root span. */
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message: string };
  readonly events: readonly { readonly name: string; readonly attributes: Readonly<Record<string, unknown>> }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: { readonly name: string; readonly version: string };
  /** Shorthand for `resource['service.name']`. */
  readonly service: string;
}

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

const TO_OBJECT = { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true, arrays: true };

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest. Throws on bytes that do not fit the schema. */
export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  return flatten(ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), TO_OBJECT));
}

/**
 * Decodes an `application/json` ExportTraceServiceRequest through the same schema. OTLP/JSON writes ids as hex
 * (not protobuf JSON's base64) and 64-bit integers as strings, so ids are turned into bytes first; the schema's
 * `fromObject` then converts the rest, and {@link flatten} rejects spans whose ids are not the right length.
 */
export function decodeJson(body: string): ReceivedSpan[] {
  const object = JSON.parse(body) as Record<string, unknown>;
  hexIdsToBytes(object);
  return flatten(ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.fromObject(object), TO_OBJECT));
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function hexIdsToBytes(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(hexIdsToBytes);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (ID_FIELDS.has(key) && typeof value === 'string') {
      if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new Error(`OTLP/JSON ${key} is not hex: ${value}`);
      record[key] = Array.from(Buffer.from(value, 'hex'));
    } else {
      hexIdsToBytes(value);
    }
  }
}

type Obj = Record<string, unknown>;

function flatten(request: Obj): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans as Obj[]) {
    const resource = attributesOf(((resourceSpans.resource as Obj | undefined)?.attributes as Obj[]) ?? []);
    for (const scopeSpans of resourceSpans.scopeSpans as Obj[]) {
      const scope = (scopeSpans.scope as Obj | undefined) ?? {};
      for (const span of scopeSpans.spans as Obj[]) {
        spans.push(toSpan(span, resource, { name: String(scope.name ?? ''), version: String(scope.version ?? '') }));
      }
    }
  }
  return spans;
}

function toSpan(span: Obj, resource: Record<string, unknown>, scope: { name: string; version: string }): ReceivedSpan {
  const status = (span.status as Obj | undefined) ?? {};
  if (hex(span.traceId).length !== 32 || hex(span.spanId).length !== 16) {
    throw new Error(`span "${String(span.name)}" has a malformed trace or span id`);
  }
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    traceState: String(span.traceState ?? ''),
    name: String(span.name),
    kind: String(span.kind).replace(/^SPAN_KIND_/, '') as SpanKindName,
    startTimeUnixNano: BigInt(String(span.startTimeUnixNano)),
    endTimeUnixNano: BigInt(String(span.endTimeUnixNano)),
    attributes: attributesOf(span.attributes as Obj[]),
    status: {
      code: String(status.code ?? 'STATUS_CODE_UNSET').replace(/^STATUS_CODE_/, '') as 'UNSET' | 'OK' | 'ERROR',
      message: String(status.message ?? ''),
    },
    events: (span.events as Obj[]).map((e) => ({
      name: String(e.name),
      attributes: attributesOf(e.attributes as Obj[]),
    })),
    links: (span.links as Obj[]).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
    resource,
    scope,
    service: String(resource['service.name'] ?? ''),
  };
}

function attributesOf(list: Obj[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const kv of list) result[String(kv.key)] = anyValue(kv.value as Obj | undefined);
  return result;
}

function anyValue(value: Obj | undefined): unknown {
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

function hex(bytes: unknown): string {
  return Buffer.from((bytes as number[] | undefined) ?? []).toString('hex');
}
