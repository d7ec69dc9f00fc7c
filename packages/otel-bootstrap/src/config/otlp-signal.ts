import type { ConfigValues } from './read-env';

/** Where and how one signal's OTLP/HTTP exports go: the generic `OTEL_EXPORTER_OTLP_*` under its own variables. */
export interface OtlpSignalConfig {
  /** The full URL of the signal, e.g. `http://localhost:4318/v1/metrics`. */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  /** The signal's headers merged over OTEL_EXPORTER_OTLP_HEADERS. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
}

/** The variables of one signal beside the generic ones, as read-env typed them. */
interface SignalVariables {
  readonly endpoint: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly protocol: OtlpSignalConfig['protocol'] | undefined;
  readonly timeout: number | undefined;
  readonly compression: OtlpSignalConfig['compression'] | undefined;
}

/**
 * The OTLP settings of `metrics` or `logs`. As the specification says, the signal's path is appended only to the
 * generic endpoint; a signal-specific endpoint is used as is (as export-section.ts does for traces).
 */
export function otlpSignal(values: ConfigValues, signal: 'metrics' | 'logs'): OtlpSignalConfig {
  const own: SignalVariables =
    signal === 'metrics'
      ? {
          endpoint: values.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
          headers: values.OTEL_EXPORTER_OTLP_METRICS_HEADERS,
          protocol: values.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
          timeout: values.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT,
          compression: values.OTEL_EXPORTER_OTLP_METRICS_COMPRESSION,
        }
      : {
          endpoint: values.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
          headers: values.OTEL_EXPORTER_OTLP_LOGS_HEADERS,
          protocol: values.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
          timeout: values.OTEL_EXPORTER_OTLP_LOGS_TIMEOUT,
          compression: values.OTEL_EXPORTER_OTLP_LOGS_COMPRESSION,
        };
  return {
    url: own.endpoint ?? withPath(values.OTEL_EXPORTER_OTLP_ENDPOINT, `v1/${signal}`),
    protocol: own.protocol ?? values.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: { ...values.OTEL_EXPORTER_OTLP_HEADERS, ...own.headers },
    timeoutMillis: own.timeout ?? values.OTEL_EXPORTER_OTLP_TIMEOUT,
    compression: own.compression ?? values.OTEL_EXPORTER_OTLP_COMPRESSION,
  };
}

function withPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}
