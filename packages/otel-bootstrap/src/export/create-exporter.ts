import { ExportResultCode } from '@opentelemetry/core';
import { diag } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { ExportConfig } from '../config/read-config';
import { CollectorFallbackExporter } from './CollectorFallbackExporter';
import { LazyExporter } from './LazyExporter';
import { TerminalTreeExporter } from './TerminalTreeExporter';

/** A fallback tree printer must never flood a log: past this many traces a second, it counts instead. */
const FALLBACK_TRACES_PER_SECOND = 10;

/** The exporter OTEL_TRACES_EXPORTER asks for; with nothing chosen, OTLP with the terminal as fallback. */
export function createTraceExporter(config: ExportConfig): SpanExporter {
  if (config.exporter === 'none') return DISCARD;
  if (config.exporter === 'terminal') return new TerminalTreeExporter();
  const otlp = new LazyExporter(() => createOtlpExporter(config));
  if (!config.terminalFallback) return otlp;
  const terminal = new TerminalTreeExporter({ maxTracesPerSecond: FALLBACK_TRACES_PER_SECOND });
  return new CollectorFallbackExporter(otlp, terminal, config.tracesUrl);
}

const DISCARD: SpanExporter = {
  export: (_spans, resultCallback) => resultCallback({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

/**
 * The OTLP/HTTP trace exporter for the configured protocol. Only the chosen encoder is loaded: the protobuf and JSON
 * exporters are separate upstream packages.
 */
export function createOtlpExporter(config: ExportConfig): SpanExporter {
  const options = {
    url: config.tracesUrl,
    headers: { ...config.headers },
    timeoutMillis: config.timeoutMs,
    // Upstream allows 30 exports in flight. With the collector down each one retries for up to the export timeout,
    // holding its batch, so an outage piles batches up in the heap (bench/findings.md, "Collector outage"). Two in
    // flight keep a collector outage from growing memory; a batch that finds both busy is dropped (and counted) like
    // any other overflow.
    concurrencyLimit: 2,
  };
  if (config.protocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(options);
  }
  if (config.protobufEncoder === 'upstream') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter(options);
  }
  return createOurProtobufExporter(options);
}

type NodeHttp = typeof import('@opentelemetry/otlp-exporter-base/node-http');

/** Upstream's OTLP/HTTP protobuf exporter (transport, retries, bounded queue) with our encoder in its place. */
function createOurProtobufExporter(options: Parameters<NodeHttp['convertLegacyHttpOptions']>[0]): SpanExporter {
  const { OTLPExporterBase } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } =
    require('@opentelemetry/otlp-exporter-base/node-http') as NodeHttp;
  const { ProtobufTraceSerializer, TraceExporterMetricsHelper } =
    require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const { encodeSpans } = require('./protobuf-spans') as typeof import('./protobuf-spans');
  const serializer = {
    // Upstream's export path does not catch a throwing serializer; a batch that cannot be encoded is dropped instead.
    serializeRequest: (spans: ReadableSpan[]) => {
      try {
        return encodeSpans(spans);
      } catch (error) {
        diag.error(`could not encode ${spans.length} spans for export; they are dropped`, error);
        return undefined;
      }
    },
    deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
  };
  const http = convertLegacyHttpOptions(options, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  return new OTLPExporterBase(
    createOtlpHttpExportDelegate(http, serializer, 'otlp_http_span_exporter', TraceExporterMetricsHelper, undefined),
  );
}
