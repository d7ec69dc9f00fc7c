import type { HrTime } from '@opentelemetry/api';
import type { DataPoint, Histogram, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Exemplar, ExemplarStore, InstrumentKey } from './ExemplarStore';

// sdk-metrics' enum values, written out so that this file loads nothing: DataPointType.HISTOGRAM and
// AggregationTemporality.DELTA.
const HISTOGRAM = 0;
const DELTA = 0;

/** One explicit-bucket histogram point of a collection, where the exporter finds it, with its exemplars. */
export interface HistogramPointExemplars {
  readonly instrument: InstrumentKey;
  readonly point: DataPoint<Histogram>;
  readonly delta: boolean;
  readonly exemplars: readonly Exemplar[];
}

/**
 * The exemplars of every explicit-bucket histogram point of `metrics`, in the order upstream's serializers write
 * the points (resource, scope, metric, point): the encoders walk the same order to place them.
 */
export function exemplarsOfPoints(metrics: ResourceMetrics, store: ExemplarStore): HistogramPointExemplars[] {
  const points: HistogramPointExemplars[] = [];
  for (const { scope, metrics: scopeMetrics } of metrics.scopeMetrics) {
    for (const metric of scopeMetrics) {
      if ((metric.dataPointType as number) !== HISTOGRAM) continue;
      const instrument: InstrumentKey = {
        scope: scope.name,
        scopeVersion: scope.version,
        name: metric.descriptor.name,
      };
      const delta = (metric.aggregationTemporality as number) === DELTA;
      for (const point of metric.dataPoints as DataPoint<Histogram>[]) {
        const exemplars = store.collect(instrument, {
          attributes: point.attributes,
          boundaries: point.value.buckets.boundaries,
          startMillis: toMillis(point.startTime),
          endMillis: toMillis(point.endTime),
        });
        points.push({ instrument, point, delta, exemplars });
      }
    }
  }
  return points;
}

/** Forgets the exemplars of the delta points just exported: the next point covers a new interval. */
export function clearDeltaExemplars(points: readonly HistogramPointExemplars[], store: ExemplarStore): void {
  for (const { instrument, point, delta } of points) {
    if (delta) store.clear(instrument, point.attributes, toMillis(point.endTime));
  }
}

export function toMillis([seconds, nanos]: HrTime): number {
  return seconds * 1e3 + nanos / 1e6;
}

/** OTLP's time_unix_nano for a wall-clock time in fractional milliseconds. */
export function toNanos(millis: number): bigint {
  const whole = Math.floor(millis);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((millis - whole) * 1e6));
}
