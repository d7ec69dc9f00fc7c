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
  /** The TLS files for an https endpoint; undefined when no certificate variable is set. */
  readonly tls?: OtlpTlsFiles;
}

/** A file one of the certificate variables names, with that variable, for the warning if it cannot be read. */
export interface OtlpTlsFile {
  readonly variable: string;
  /** As the variable gives it: a relative path is taken from the working directory. */
  readonly path: string;
}

/**
 * The files of `OTEL_EXPORTER_OTLP_[<SIGNAL>_]CERTIFICATE`, `_CLIENT_CERTIFICATE` and `_CLIENT_KEY`, named as Node's
 * TLS options name what they hold. Paths only: the exporter reads them when it first connects (export/).
 */
export interface OtlpTlsFiles {
  /** The certificates the endpoint's certificate is checked against, instead of Node's default CAs. */
  readonly ca?: OtlpTlsFile;
  /** The client certificate, for mutual TLS. */
  readonly cert?: OtlpTlsFile;
  /** The client certificate's private key. */
  readonly key?: OtlpTlsFile;
}

/** The signals, as the variables name them. */
type SignalName = 'TRACES' | 'METRICS' | 'LOGS';

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
    tls: otlpTlsFiles(values, signal === 'metrics' ? 'METRICS' : 'LOGS'),
  };
}

/** A signal's TLS files, each from the signal's own variable, else the generic one; undefined when none is set. */
export function otlpTlsFiles(values: ConfigValues, signal: SignalName): OtlpTlsFiles | undefined {
  const file = (suffix: 'CERTIFICATE' | 'CLIENT_CERTIFICATE' | 'CLIENT_KEY'): OtlpTlsFile | undefined => {
    const own = `OTEL_EXPORTER_OTLP_${signal}_${suffix}` as const;
    const generic = `OTEL_EXPORTER_OTLP_${suffix}` as const;
    const variable = values[own] !== undefined ? own : values[generic] !== undefined ? generic : undefined;
    return variable && { variable, path: values[variable]! };
  };
  const files = { ca: file('CERTIFICATE'), cert: file('CLIENT_CERTIFICATE'), key: file('CLIENT_KEY') };
  return files.ca || files.cert || files.key ? files : undefined;
}

function withPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}
