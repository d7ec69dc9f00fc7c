import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { Exemplar } from './ExemplarStore';
import type { HistogramPointExemplars } from './exemplar-points';
import { toNanos } from './exemplar-points';

// Upstream's JsonMetricsSerializer (otlp-transformer 0.301) writes HistogramDataPoints without the `exemplars`
// field. This adds it to what upstream wrote, in OTLP/JSON's form: hex ids, the time as a decimal string.

type JsonAnyValue = Record<string, unknown>;
interface JsonRequest {
  resourceMetrics?: { scopeMetrics?: { metrics?: { histogram?: { dataPoints?: Record<string, unknown>[] } }[] }[] }[];
}

/** Upstream's OTLP/JSON request with each histogram point's exemplars added; the same bytes when there are none. */
export function addJsonExemplars(request: Uint8Array, points: readonly HistogramPointExemplars[]): Uint8Array {
  if (!points.some(({ exemplars }) => exemplars.length > 0)) return request;
  const parsed = JSON.parse(new TextDecoder().decode(request)) as JsonRequest;
  let next = 0;
  for (const resource of parsed.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        for (const point of metric.histogram?.dataPoints ?? []) {
          const exemplars = points[next++]?.exemplars ?? [];
          if (exemplars.length > 0) point.exemplars = exemplars.map(jsonExemplar);
        }
      }
    }
  }
  // Upstream wrote exactly one JSON point per collected point; if not, the exemplars could land on the wrong points.
  if (next !== points.length) return request;
  return new TextEncoder().encode(JSON.stringify(parsed));
}

function jsonExemplar(exemplar: Exemplar): Record<string, unknown> {
  const out: Record<string, unknown> = {
    timeUnixNano: toNanos(exemplar.timeMillis).toString(),
    asDouble: exemplar.value,
  };
  const attributes = jsonAttributes(exemplar.filteredAttributes);
  if (attributes.length > 0) out.filteredAttributes = attributes;
  if (exemplar.traceId) {
    out.traceId = exemplar.traceId;
    out.spanId = exemplar.spanId;
  }
  return out;
}

function jsonAttributes(attributes: Attributes): { key: string; value: JsonAnyValue }[] {
  return Object.keys(attributes)
    .filter((key) => attributes[key] != null)
    .map((key) => ({ key, value: jsonValue(attributes[key]!) }));
}

function jsonValue(value: AttributeValue): JsonAnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.filter((v) => v != null).map((v) => jsonValue(v!)) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}
