import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ISerializer } from '@opentelemetry/otlp-transformer';
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { OtlpTlsFiles } from '../../config/otlp-signal';
import { createOtlpHttpDelegate } from '../../export/otlp-http-delegate';
import type { ExemplarStore } from './ExemplarStore';
import { clearDeltaExemplars, exemplarsOfPoints } from './exemplar-points';
import type { HistogramPointExemplars } from './exemplar-points';

/**
 * ```ts
 * function createOtlpMetricExporter(options: OtlpMetricExportOptions, store: ExemplarStore | undefined): PushMetricExporter & { abandon(): void };
 * ```
 *
 * `abandon()` ends every pending send at once, as the trace exporter's does (export/abandon-pending.ts): call it when
 * the exit flush has had its time. Requests and retries never keep the process alive.
 *
 * OTLP/HTTP metrics (`options.url` is the full `/v1/metrics` address) whose histogram points carry `store`'s
 * exemplars for their buckets; without a store, what upstream's exporter sends. Upstream does the rest: the export
 * delegate of `@opentelemetry/otlp-exporter-base` (queue, timeout), set up as for every signal over our OTLP/HTTP
 * transport (export/otlp-http-delegate.ts: upstream's retries and gzip, two exports in flight at most), and the
 * serializers of `@opentelemetry/otlp-transformer`. What upstream lacks, and this adds: exemplars in both serializers (they write
 * none: json-exemplars.ts, protobuf-exemplars.ts) and the temporality preference of
 * `@opentelemetry/exporter-metrics-otlp-http`, which we do not load for that alone. Exemplars of delta points are
 * forgotten once their export completes; cumulative points keep showing the latest per bucket.
 */
export interface OtlpMetricExportOptions {
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Record<string, string>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  /** The TLS files for an https endpoint (the OTEL_EXPORTER_OTLP_[METRICS_]*CERTIFICATE/*CLIENT_KEY variables). */
  readonly tls?: OtlpTlsFiles;
  readonly temporalityPreference: 'cumulative' | 'delta' | 'lowmemory';
}

type Transformer = typeof import('@opentelemetry/otlp-transformer');
type MetricsSerializer = ISerializer<ResourceMetrics, unknown>;

/** See {@link OtlpMetricExportOptions}. */
export function createOtlpMetricExporter(
  options: OtlpMetricExportOptions,
  store: ExemplarStore | undefined,
): PushMetricExporter & { abandon(): void } {
  const { OTLPExporterBase } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { MetricsExporterMetricsHelper } = require('@opentelemetry/otlp-transformer') as Transformer;
  const pending = new WeakMap<ResourceMetrics, HistogramPointExemplars[]>();
  const delegate = createOtlpHttpDelegate({
    url: options.url,
    protocol: options.protocol,
    headers: options.headers,
    timeoutMillis: options.timeoutMillis,
    compression: options.compression,
    tls: options.tls,
    signal: 'METRICS',
    serializer: exemplarSerializer(options.protocol === 'http/json', (metrics) => pending.get(metrics) ?? []),
    metricsHelper: MetricsExporterMetricsHelper,
    holdsProcess: false,
  });
  const base = new OTLPExporterBase<ResourceMetrics>(delegate);
  const selectAggregationTemporality = temporalitySelector(options.temporalityPreference);
  return {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
      const points = store ? collectExemplars(metrics, store) : [];
      pending.set(metrics, points);
      base.export(metrics, (result) => {
        if (store) clearDeltaExemplars(points, store);
        resultCallback(result);
      });
    },
    forceFlush: () => base.forceFlush(),
    shutdown: () => base.shutdown(),
    selectAggregationTemporality,
    abandon: () => delegate.abandon(),
  };
}

/** The exemplars of every histogram point, or none if the store fails: the metrics go out either way. */
function collectExemplars(metrics: ResourceMetrics, store: ExemplarStore): HistogramPointExemplars[] {
  try {
    return exemplarsOfPoints(metrics, store);
  } catch (error) {
    reportOnce('could not collect exemplars; the metrics are exported without them', error);
    return [];
  }
}

/** Upstream's serializer, its output then given the exemplars of `pointsOf(metrics)`. */
function exemplarSerializer(
  json: boolean,
  pointsOf: (metrics: ResourceMetrics) => readonly HistogramPointExemplars[],
): MetricsSerializer {
  const transformer = require('@opentelemetry/otlp-transformer') as Transformer;
  const upstream = (
    json ? transformer.JsonMetricsSerializer : transformer.ProtobufMetricsSerializer
  ) as MetricsSerializer;
  const add = json
    ? (require('./json-exemplars') as typeof import('./json-exemplars')).addJsonExemplars
    : (require('./protobuf-exemplars') as typeof import('./protobuf-exemplars')).addProtobufExemplars;
  return {
    serializeRequest(metrics: ResourceMetrics): Uint8Array | undefined {
      const request = upstream.serializeRequest(metrics);
      if (!request) return request;
      try {
        return add(request, pointsOf(metrics));
      } catch (error) {
        reportOnce('could not add exemplars to the metrics request; it is sent without them', error);
        return request;
      }
    },
    deserializeResponse: (data: Uint8Array) => upstream.deserializeResponse(data),
  };
}

/** Messages reported already: an export that fails the same way every interval is reported the first time only. */
const REPORTED = new Set<string>();

function reportOnce(message: string, error: unknown): void {
  if (REPORTED.has(message)) return;
  REPORTED.add(message);
  diag.error(message, error);
}

// sdk-metrics' enum values (AggregationTemporality.DELTA = 0, CUMULATIVE = 1), written out so that choosing one
// loads nothing.
const DELTA = 0 as AggregationTemporality;
const CUMULATIVE = 1 as AggregationTemporality;

/**
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE as the specification defines it: `delta` makes counters and
 * histograms (sync and async counters) delta, `lowmemory` only the synchronous counter and histogram; up-down
 * counters and gauges stay cumulative.
 */
function temporalitySelector(
  preference: OtlpMetricExportOptions['temporalityPreference'],
): (type: InstrumentType) => AggregationTemporality {
  const deltaTypes = new Set<string>(
    preference === 'delta'
      ? ['COUNTER', 'OBSERVABLE_COUNTER', 'HISTOGRAM']
      : preference === 'lowmemory'
        ? ['COUNTER', 'HISTOGRAM']
        : [],
  );
  return (type) => (deltaTypes.has(type) ? DELTA : CUMULATIVE);
}
