import { ExportLogsServiceRequest } from './otlp-schema';
import { TO_OBJECT, anyValue, attributesOf, forEachScope, hex, hexIdsToBytes } from './otlp-values';
import type { Obj, Origin } from './otlp-values';

/** A log record as the receiver got it, flattened for assertions. Ids are lowercase hex, empty when absent. */
export interface ReceivedLogRecord extends Origin {
  readonly timeUnixNano: bigint;
  readonly observedTimeUnixNano: bigint;
  /** 1 (TRACE) to 24 (FATAL4); 9 is INFO, 13 WARN, 17 ERROR; 0 when unspecified. */
  readonly severityNumber: number;
  readonly severityText: string;
  /** The body as a plain value: a string, a number, an object for a kvlist, `undefined` when empty. */
  readonly body: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly traceId: string;
  readonly spanId: string;
  /** The W3C trace flags in the low byte (1 when the span was sampled). */
  readonly flags: number;
  readonly eventName: string;
}

/** Decodes an `application/x-protobuf` ExportLogsServiceRequest. Throws on bytes that do not fit the schema. */
export function decodeLogsProtobuf(body: Uint8Array): ReceivedLogRecord[] {
  return flatten(ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), TO_OBJECT));
}

/** Decodes an `application/json` ExportLogsServiceRequest (hex ids, as OTLP/JSON writes them) through the schema. */
export function decodeLogsJson(body: string): ReceivedLogRecord[] {
  const object = JSON.parse(body) as Obj;
  hexIdsToBytes(object);
  return flatten(ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.fromObject(object), TO_OBJECT));
}

function flatten(request: Obj): ReceivedLogRecord[] {
  const records: ReceivedLogRecord[] = [];
  forEachScope(request, 'resourceLogs', 'scopeLogs', (scopeLogs, origin) => {
    for (const record of scopeLogs.logRecords as Obj[]) records.push(toRecord(record, origin));
  });
  return records;
}

/** The SeverityNumber enum's names, in order, as `toObject` writes them. */
const SEVERITY = /^SEVERITY_NUMBER_(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([234]?)$/;
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityNumber(name: string): number {
  const match = SEVERITY.exec(name);
  if (!match) return 0;
  return LEVELS.indexOf(match[1]) * 4 + (match[2] ? Number(match[2]) : 1);
}

function toRecord(record: Obj, origin: Origin): ReceivedLogRecord {
  const traceId = hex(record.traceId);
  const spanId = hex(record.spanId);
  if (![0, 32].includes(traceId.length) || ![0, 16].includes(spanId.length)) {
    throw new Error(`log record "${String(anyValue(record.body as Obj))}" has a malformed trace or span id`);
  }
  return {
    ...origin,
    timeUnixNano: BigInt(String(record.timeUnixNano ?? 0)),
    observedTimeUnixNano: BigInt(String(record.observedTimeUnixNano ?? 0)),
    severityNumber: severityNumber(String(record.severityNumber)),
    severityText: String(record.severityText ?? ''),
    body: anyValue(record.body as Obj | undefined),
    attributes: attributesOf(record.attributes as Obj[]),
    traceId,
    spanId,
    flags: Number(record.flags ?? 0),
    eventName: String(record.eventName ?? ''),
  };
}
