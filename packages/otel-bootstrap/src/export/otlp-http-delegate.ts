import type { Agent } from 'node:http';
import type { CompressionAlgorithm, IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';

/**
 * Exports in flight at once, for every signal. Upstream allows 30. With the collector down each one retries for up to
 * the export timeout, holding its batch, so an outage piles batches up in the heap (bench/findings.md, "Collector
 * outage"). Two in flight keep a collector outage from growing memory; a batch that finds both busy is dropped (and
 * counted) like any other overflow.
 */
export const OTLP_CONCURRENCY_LIMIT = 2;

/** What differs between the OTLP/HTTP exports of traces, metrics and logs. */
export interface OtlpHttpDelegateOptions<Items> {
  /** Picks upstream's `OTEL_EXPORTER_OTLP_<SIGNAL>_*` fallbacks, the default `v1/<signal>` path and the self-metrics. */
  readonly signal: 'TRACES' | 'METRICS' | 'LOGS';
  /** The full URL, the signal's path included. */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
  /** Left out, upstream reads `OTEL_EXPORTER_OTLP_[<SIGNAL>_]COMPRESSION`. */
  readonly compression?: 'gzip' | 'none';
  readonly serializer: ISerializer<Items, unknown>;
  /** How upstream's exporter self-metrics count the items of a request (from `@opentelemetry/otlp-transformer`). */
  readonly metricsHelper: IExporterMetricsHelper<Items>;
  /** False where a send still waiting on a collector must not keep a finished app alive (OtlpHttpTransport.ts). */
  readonly holdsProcess: boolean;
  /**
   * Upstream's agent honours the `OTEL_EXPORTER_OTLP_*CERTIFICATE` variables but loads node:http with import(), which
   * jest refuses; ours is a keep-alive agent loaded with require(), without those certificates.
   */
  readonly agent: 'upstream' | 'ours';
}

/** An export delegate that can give up at once on what it is still sending (export/abandon-pending.ts). */
export interface AbandoningExportDelegate<Items> extends IOtlpExportDelegate<Items> {
  abandon(): void;
}

/** Upstream's names for the exporter self-metrics' `otel.component.type`. */
const COMPONENT_TYPES = {
  TRACES: 'otlp_http_span_exporter',
  METRICS: 'otlp_http_metric_exporter',
  LOGS: 'otlp_http_log_exporter',
} as const;

type NodeHttp = typeof import('@opentelemetry/otlp-exporter-base/node-http');

/**
 * Upstream's OTLP/HTTP export delegate (bounded queue, timeout, response handling, self-metrics) over our transport
 * (OtlpHttpTransport.ts: upstream's retries and gzip, but nothing that keeps a finished app alive): what upstream's
 * OTLP/HTTP exporters build for each signal, with our transport in place of upstream's. Wrap it in upstream's
 * `OTLPExporterBase`.
 */
export function createOtlpHttpDelegate<Items>(
  options: OtlpHttpDelegateOptions<Items>,
): AbandoningExportDelegate<Items> {
  const { createOtlpNetworkExportDelegate } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { convertLegacyHttpOptions, createOtlpHttpExporterMetrics } =
    require('@opentelemetry/otlp-exporter-base/node-http') as NodeHttp;
  const { OtlpHttpTransport } = require('./OtlpHttpTransport') as typeof import('./OtlpHttpTransport');
  const json = options.protocol === 'http/json';
  const http = convertLegacyHttpOptions(
    {
      url: options.url,
      headers: { ...options.headers },
      timeoutMillis: options.timeoutMillis,
      compression: options.compression as CompressionAlgorithm | undefined,
      concurrencyLimit: OTLP_CONCURRENCY_LIMIT,
      httpAgentOptions: options.agent === 'ours' ? keepAliveAgent : undefined,
    },
    options.signal,
    `v1/${options.signal.toLowerCase()}`,
    { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
  );
  const transport = new OtlpHttpTransport(http, options.holdsProcess);
  const componentType = COMPONENT_TYPES[options.signal];
  const metrics = createOtlpHttpExporterMetrics(componentType, options.metricsHelper, http.url, undefined);
  const delegate = createOtlpNetworkExportDelegate(http, options.serializer, metrics, transport);
  return Object.assign(delegate, { abandon: () => transport.abandon() });
}

/** A keep-alive agent, as upstream's default agent options ask for. */
function keepAliveAgent(protocol: string): Agent {
  const module =
    protocol === 'http:'
      ? (require('node:http') as typeof import('node:http'))
      : (require('node:https') as typeof import('node:https'));
  return new module.Agent({ keepAlive: true });
}
