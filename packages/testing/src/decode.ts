import { ExportTraceServiceRequest } from './otlp-schema';
import { TO_OBJECT, attributesOf, forEachScope, hex, hexIdsToBytes } from './otlp-values';
import type { Obj, Origin } from './otlp-values';

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

function flatten(request: Obj): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  forEachScope(request, 'resourceSpans', 'scopeSpans', (scopeSpans, origin) => {
    for (const span of scopeSpans.spans as Obj[]) spans.push(toSpan(span, origin));
  });
  return spans;
}

function toSpan(span: Obj, { resource, scope, service }: Origin): ReceivedSpan {
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
    service,
  };
}
