import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { BootstrapConfig } from '../config';

/**
 * The OTLP/HTTP trace exporter for the configured protocol. Only the chosen encoder is loaded: the protobuf and JSON
 * exporters are separate upstream packages.
 */
export function createOtlpExporter(config: BootstrapConfig): SpanExporter {
  const options = {
    url: config.tracesUrl,
    headers: { ...config.exportHeaders },
    timeoutMillis: config.exportTimeoutMs,
  };
  if (config.exportProtocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(options);
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(options);
}
