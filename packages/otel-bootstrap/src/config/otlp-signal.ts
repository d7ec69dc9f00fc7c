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

/** The signals, as the paths and as the variables name them. */
const NAMES = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' } as const;

type SignalName = (typeof NAMES)[keyof typeof NAMES];

/**
 * The OTLP settings of one signal: each of its own variables wins over the generic one. As the specification says,
 * the signal's path is appended only to the generic endpoint; a signal-specific endpoint is used as is.
 */
export function otlpSignal(values: ConfigValues, signal: keyof typeof NAMES): OtlpSignalConfig {
  const name = NAMES[signal];
  return {
    url: values[`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`] ?? withPath(values.OTEL_EXPORTER_OTLP_ENDPOINT, `v1/${signal}`),
    protocol: values[`OTEL_EXPORTER_OTLP_${name}_PROTOCOL`] ?? values.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: { ...values.OTEL_EXPORTER_OTLP_HEADERS, ...values[`OTEL_EXPORTER_OTLP_${name}_HEADERS`] },
    timeoutMillis: values[`OTEL_EXPORTER_OTLP_${name}_TIMEOUT`] ?? values.OTEL_EXPORTER_OTLP_TIMEOUT,
    compression: values[`OTEL_EXPORTER_OTLP_${name}_COMPRESSION`] ?? values.OTEL_EXPORTER_OTLP_COMPRESSION,
    tls: tlsFiles(values, name),
  };
}

/** A signal's TLS files, each from the signal's own variable, else the generic one; undefined when none is set. */
function tlsFiles(values: ConfigValues, signal: SignalName): OtlpTlsFiles | undefined {
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
