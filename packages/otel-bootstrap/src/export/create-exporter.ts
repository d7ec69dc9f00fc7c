import { ExportResultCode } from '@opentelemetry/core';
import { diag } from '@opentelemetry/api';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { ExportConfig } from '../config/read-config';
import type { AbandoningExporter } from './abandon-pending';
import { CollectorFallbackExporter } from './CollectorFallbackExporter';
import { LazyExporter } from './LazyExporter';
import { OTLP_CONCURRENCY_LIMIT, createOtlpHttpDelegate, otlpAgentFactory } from './otlp-http-delegate';
import { TerminalTreeExporter } from './TerminalTreeExporter';

/** A fallback tree printer must never flood a log: past this many traces a second, it counts instead. */
const FALLBACK_TRACES_PER_SECOND = 10;

/**
 * The exporter OTEL_TRACES_EXPORTER asks for; with nothing chosen, OTLP with the terminal as fallback. Its requests
 * and retries never keep the process alive: the bootstrap's exit flush does, for a bounded time, then abandons them
 * (see abandon-pending.ts).
 */
export function createTraceExporter(config: ExportConfig): SpanExporter {
  if (config.exporter === 'none') return DISCARD;
  if (config.exporter === 'terminal') return new TerminalTreeExporter();
  const otlp = new LazyExporter(() => createOtlpExporter(config, { holdsProcess: false }));
  if (!config.terminalFallback) return otlp;
  const terminal = new TerminalTreeExporter({ maxTracesPerSecond: FALLBACK_TRACES_PER_SECOND });
  return new CollectorFallbackExporter(otlp, terminal, config.tracesUrl);
}

const DISCARD: SpanExporter = {
  export: (_spans, resultCallback) => resultCallback({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

/** How an OTLP exporter's requests and retry timers treat the process. */
export interface OtlpExporterOptions {
  /**
   * True (the default) for a caller that awaits the export itself, such as `doctor`. False in the bootstrap, where
   * an export still waiting on a collector must not keep a finished app's process alive.
   */
  readonly holdsProcess?: boolean;
}

/**
 * The OTLP/HTTP trace exporter for the configured protocol. Only the chosen encoder is loaded: the protobuf and JSON
 * serializers are separate upstream modules.
 */
export function createOtlpExporter(
  config: ExportConfig,
  { holdsProcess = true }: OtlpExporterOptions = {},
): SpanExporter {
  if (config.protocol !== 'http/json' && config.protobufEncoder === 'upstream') {
    // The fallback should our encoder ever be wrong: upstream's exporter whole, its transport included, whose retries
    // keep a finished process alive while the collector is down (docs/troubleshooting.md). It still reads the
    // OTEL_EXPORTER_OTLP_* variables itself as fallbacks, so a bad value there gets upstream's warning too.
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter({
      url: config.tracesUrl,
      headers: { ...config.headers },
      timeoutMillis: config.timeoutMs,
      // Upstream's enum has the same two strings.
      compression: config.compression as CompressionAlgorithm,
      concurrencyLimit: OTLP_CONCURRENCY_LIMIT,
      // The agent of every other export, with the TLS files of our table, in place of upstream's from the environment.
      httpAgentOptions: otlpAgentFactory(config.tls),
    });
  }
  return createOurOtlpExporter(config, holdsProcess);
}

/**
 * Upstream's OTLP/HTTP exporter over our delegate (otlp-http-delegate.ts), with our protobuf encoder, or upstream's
 * JSON one: what `@opentelemetry/exporter-trace-otlp-http` builds, with our transport in place of upstream's.
 */
function createOurOtlpExporter(config: ExportConfig, holdsProcess: boolean): AbandoningExporter {
  const { OTLPExporterBase } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { JsonTraceSerializer, TraceExporterMetricsHelper } =
    require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const delegate = createOtlpHttpDelegate({
    signal: 'TRACES',
    url: config.tracesUrl,
    protocol: config.protocol,
    headers: config.headers,
    timeoutMillis: config.timeoutMs,
    compression: config.compression,
    serializer: config.protocol === 'http/json' ? JsonTraceSerializer : ourProtobufSerializer(),
    metricsHelper: TraceExporterMetricsHelper,
    holdsProcess,
    tls: config.tls,
  });
  return Object.assign(new OTLPExporterBase(delegate), { abandon: () => delegate.abandon() });
}

/** Our encoder, with upstream's response decoder. */
function ourProtobufSerializer() {
  const { ProtobufTraceSerializer } =
    require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const { encodeSpans } = require('./protobuf-spans') as typeof import('./protobuf-spans');
  return {
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
}
