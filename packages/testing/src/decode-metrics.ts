import { ExportMetricsServiceRequest } from './otlp-schema';
import { TO_OBJECT, attributesOf, forEachScope, hex, hexIdsToBytes } from './otlp-values';
import type { Obj, Origin } from './otlp-values';

/** An exemplar on a metric point: the measurement and, when it was recorded in a sampled span, that span's ids. */
export interface ReceivedExemplar {
  readonly value: number;
  readonly timeUnixNano: bigint;
  /** Lowercase hex; empty when the measurement was not recorded in a span. */
  readonly traceId: string;
  readonly spanId: string;
  readonly filteredAttributes: Readonly<Record<string, unknown>>;
}

/**
 * One data point, whatever its metric's kind: `value` for sums and gauges; `count`, `sum`, `min`, `max`, `bounds`
 * and `bucketCounts` for histograms (`sum`, `min`, `max` are `undefined` when the exporter left them out).
 */
export interface ReceivedPoint {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly bounds?: readonly number[];
  readonly bucketCounts?: readonly number[];
  readonly exemplars: readonly ReceivedExemplar[];
}

/** The OTLP `Metric.data` kinds. */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

/** A metric as one export request carried it, flattened for assertions. */
export interface ReceivedMetric extends Origin {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: MetricKind;
  /** `UNSPECIFIED` for gauges and summaries, which carry none. */
  readonly temporality: 'UNSPECIFIED' | 'DELTA' | 'CUMULATIVE';
  /** Sums only; `false` for the other kinds. */
  readonly isMonotonic: boolean;
  readonly points: readonly ReceivedPoint[];
}

/** A histogram point with its metric's name, unit and scope name beside it, for `find`/`filter` in a test. */
export interface ReceivedHistogramPoint {
  readonly scope: string;
  readonly name: string;
  readonly unit: string;
  readonly service: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly count: number;
  readonly sum: number | undefined;
  readonly bounds: readonly number[];
  readonly bucketCounts: readonly number[];
  readonly exemplars: readonly ReceivedExemplar[];
}

/** Decodes an `application/x-protobuf` ExportMetricsServiceRequest. Throws on bytes that do not fit the schema. */
export function decodeMetricsProtobuf(body: Uint8Array): ReceivedMetric[] {
  return flatten(ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body), TO_OBJECT));
}

/** Decodes an `application/json` ExportMetricsServiceRequest (hex ids, as OTLP/JSON writes them) through the schema. */
export function decodeMetricsJson(body: string): ReceivedMetric[] {
  const object = JSON.parse(body) as Obj;
  hexIdsToBytes(object);
  return flatten(ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.fromObject(object), TO_OBJECT));
}

/**
 * The histogram points of `metrics`, latest export last. With cumulative temporality (the default) every export
 * repeats a series, so a test that wants the final count takes the last point of a series, or reads a single export.
 */
export function histogramPointsOf(metrics: readonly ReceivedMetric[]): ReceivedHistogramPoint[] {
  return metrics
    .filter((metric) => metric.kind === 'histogram')
    .flatMap((metric) =>
      metric.points.map((point) => ({
        scope: metric.scope.name,
        name: metric.name,
        unit: metric.unit,
        service: metric.service,
        attributes: point.attributes,
        count: point.count ?? 0,
        sum: point.sum,
        bounds: point.bounds ?? [],
        bucketCounts: point.bucketCounts ?? [],
        exemplars: point.exemplars,
      })),
    );
}

function flatten(request: Obj): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = [];
  forEachScope(request, 'resourceMetrics', 'scopeMetrics', (scopeMetrics, origin) => {
    for (const metric of scopeMetrics.metrics as Obj[]) metrics.push(toMetric(metric, origin));
  });
  return metrics;
}

function toMetric(metric: Obj, origin: Origin): ReceivedMetric {
  const kind = String(metric.data) as MetricKind;
  const data = (metric[kind] as Obj | undefined) ?? {};
  const temporality = String(data.aggregationTemporality ?? 'AGGREGATION_TEMPORALITY_UNSPECIFIED');
  return {
    ...origin,
    name: String(metric.name),
    description: String(metric.description ?? ''),
    unit: String(metric.unit ?? ''),
    kind,
    temporality: temporality.replace(/^AGGREGATION_TEMPORALITY_/, '') as ReceivedMetric['temporality'],
    isMonotonic: data.isMonotonic === true,
    points: ((data.dataPoints as Obj[] | undefined) ?? []).map(toPoint),
  };
}

function toPoint(point: Obj): ReceivedPoint {
  return {
    attributes: attributesOf(point.attributes as Obj[]),
    startTimeUnixNano: BigInt(String(point.startTimeUnixNano ?? 0)),
    timeUnixNano: BigInt(String(point.timeUnixNano ?? 0)),
    value: numberValue(point),
    count: point.count === undefined ? undefined : Number(point.count),
    sum: optional(point, 'sum'),
    min: optional(point, 'min'),
    max: optional(point, 'max'),
    bounds: (point.explicitBounds as number[] | undefined)?.map(Number),
    bucketCounts: (point.bucketCounts as unknown[] | undefined)?.map(Number),
    exemplars: ((point.exemplars as Obj[] | undefined) ?? []).map(toExemplar),
  };
}

function toExemplar(exemplar: Obj): ReceivedExemplar {
  return {
    value: numberValue(exemplar) ?? Number.NaN,
    timeUnixNano: BigInt(String(exemplar.timeUnixNano ?? 0)),
    traceId: hex(exemplar.traceId),
    spanId: hex(exemplar.spanId),
    filteredAttributes: attributesOf(exemplar.filteredAttributes as Obj[]),
  };
}

/** A NumberDataPoint's or Exemplar's `value` oneof (asDouble or asInt) as a number. */
function numberValue(item: Obj): number | undefined {
  const field = item.value;
  return field === 'asDouble' || field === 'asInt' ? Number(item[field]) : undefined;
}

/**
 * A proto3 `optional` field: protobufjs puts it in a synthetic oneof named `_<field>` that names the field when it
 * was set, so an absent sum is told apart from a sum of 0.
 */
function optional(point: Obj, field: string): number | undefined {
  return point[`_${field}`] === field ? Number(point[field]) : undefined;
}
