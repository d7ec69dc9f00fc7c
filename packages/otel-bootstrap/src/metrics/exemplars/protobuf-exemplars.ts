import type { AttributeValue } from '@opentelemetry/api';
import type { Exemplar } from './ExemplarStore';
import type { HistogramPointExemplars } from './exemplar-points';
import { toNanos } from './exemplar-points';

// Upstream's ProtobufMetricsSerializer (otlp-transformer 0.301) writes HistogramDataPoints without field 8,
// `exemplars`, and offers no hook to add it. Rather than encode every metric ourselves, this walks upstream's bytes
// down to each histogram point, appends its exemplars (protobuf allows a message's fields in any order) and rewrites
// the lengths of the messages around it. Field numbers are opentelemetry-proto v1's metrics.proto.

/** ExportMetricsServiceRequest.resource_metrics, ResourceMetrics.scope_metrics, ScopeMetrics.metrics,
 * Metric.histogram, Histogram.data_points: the path down to a HistogramDataPoint. */
const PATH = [1, 2, 2, 9, 1];
const EXEMPLARS_FIELD = 8;

/** Upstream's OTLP/protobuf request with each histogram point's exemplars added; the same bytes when there are none. */
export function addProtobufExemplars(request: Uint8Array, points: readonly HistogramPointExemplars[]): Uint8Array {
  if (!points.some(({ exemplars }) => exemplars.length > 0)) return request;
  const walk = { next: 0, points };
  const chunks = rewrite(request, 0, walk);
  // One HistogramDataPoint per collected point, or the exemplars would land on the wrong points.
  if (walk.next !== points.length) return request;
  return concat(chunks);
}

interface Walk {
  next: number;
  readonly points: readonly HistogramPointExemplars[];
}

/** The message's fields, those on the path rewritten; at the end of the path, the point's exemplars appended. */
function rewrite(message: Uint8Array, depth: number, walk: Walk): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < message.length) {
    const start = offset;
    const [tag, afterTag] = readVarint(message, offset);
    const wireType = tag & 7;
    if (wireType === 2) {
      const [length, afterLength] = readVarint(message, afterTag);
      offset = afterLength + length;
      if (tag >>> 3 === PATH[depth]) {
        const inner = message.subarray(afterLength, offset);
        const body = depth + 1 === PATH.length ? withExemplars(inner, walk) : rewrite(inner, depth + 1, walk);
        out.push(message.subarray(start, afterTag), varint(byteLength(body)), ...body);
        continue;
      }
    } else {
      offset = skip(message, afterTag, wireType);
    }
    out.push(message.subarray(start, offset));
  }
  return out;
}

function withExemplars(point: Uint8Array, walk: Walk): Uint8Array[] {
  const exemplars = walk.points[walk.next++]?.exemplars ?? [];
  return [point, ...exemplars.map((exemplar) => field(EXEMPLARS_FIELD, encodeExemplar(exemplar)))];
}

function encodeExemplar(exemplar: Exemplar): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const key of Object.keys(exemplar.filteredAttributes)) {
    const value = exemplar.filteredAttributes[key];
    if (value != null) parts.push(field(7, concat([field(1, utf8(key)), field(2, anyValue(value))])));
  }
  parts.push(Uint8Array.of((2 << 3) | 1), fixed64(toNanos(exemplar.timeMillis)));
  parts.push(Uint8Array.of((3 << 3) | 1), float64(exemplar.value));
  if (exemplar.traceId) {
    parts.push(field(4, hex(exemplar.spanId)), field(5, hex(exemplar.traceId)));
  }
  return concat(parts);
}

/** An AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4, array_value 5. */
function anyValue(value: AttributeValue): Uint8Array {
  if (Array.isArray(value)) {
    const values = value.filter((item) => item != null).map((item) => field(1, anyValue(item!)));
    return field(5, concat(values));
  }
  if (typeof value === 'string') return field(1, utf8(value));
  if (typeof value === 'boolean') return Uint8Array.of(2 << 3, value ? 1 : 0);
  if (Number.isInteger(value))
    return concat([Uint8Array.of(3 << 3), varint(BigInt.asUintN(64, BigInt(value as number)))]);
  return concat([Uint8Array.of((4 << 3) | 1), float64(value as number)]);
}

/** A length-delimited field. */
function field(number: number, body: Uint8Array): Uint8Array {
  return concat([varint((number << 3) | 2), varint(body.length), body]);
}

function varint(value: number | bigint): Uint8Array {
  let rest = BigInt(value);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Uint8Array.from(bytes);
}

function readVarint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (offset >= bytes.length) throw new RangeError('truncated protobuf varint');
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, offset];
    shift += 7;
  }
}

function skip(bytes: Uint8Array, offset: number, wireType: number): number {
  if (wireType === 0) return readVarint(bytes, offset)[1];
  if (wireType === 1) return offset + 8;
  if (wireType === 5) return offset + 4;
  throw new RangeError(`unexpected protobuf wire type ${wireType}`);
}

function fixed64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

function float64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return bytes;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function hex(id: string): Uint8Array {
  return Uint8Array.from(Buffer.from(id, 'hex'));
}

function byteLength(chunks: readonly Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(byteLength(chunks));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
