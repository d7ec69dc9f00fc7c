import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printable } from './config-warning';
import type { ConfigWarning } from './config-warning';
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
 * TLS options name what they hold. Paths only: the exporter reads them when it first connects (export/); the
 * configuration only checks at startup that they can be read and hold PEM ({@link tlsFileWarnings}).
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

/** What a file left out leaves the exports with, by the TLS option it was for. */
const WITHOUT: Readonly<Record<keyof OtlpTlsFiles, string>> = {
  ca: "the endpoint's certificate is checked against Node's default CAs instead",
  cert: 'an endpoint that asks for a client certificate refuses them',
  key: 'an endpoint that asks for a client certificate refuses them',
};

/**
 * One warning per certificate variable in use whose file the exports will leave out (export/otlp-http-delegate.ts,
 * which reads the files when the first export connects), naming the variable, the file, why and what the exports do
 * without it (leaving a file out never loosens the check of the endpoint). A file is left out when it
 * - cannot be read (missing, a directory, no permission): said at startup, not only when the first export
 *   connects, which may be minutes later;
 * - holds no PEM block (a DER file, or the wrong file). Node takes only PEM: such a file made every export
 *   fail with an opaque TLS error ("no start line"), or, as the CA, silently replaced Node's default CAs with none.
 */
export function tlsFileWarnings(values: ConfigValues): ConfigWarning[] {
  const files = new Map<string, { file: OtlpTlsFile; use: keyof OtlpTlsFiles }>();
  for (const name of Object.values(NAMES)) {
    const tls = tlsFiles(values, name) ?? {};
    for (const use of ['ca', 'cert', 'key'] as const) {
      const file = tls[use];
      if (file) files.set(file.variable, { file, use });
    }
  }
  return [...files.values()].flatMap(({ file, use }) => {
    const problem = problemOf(file.path);
    if (!problem) return [];
    const named = `${file.variable}="${printable(file.path)}"`;
    return [{ key: file.variable, message: `${named} ${problem}; OTLP exports go on without it, so ${WITHOUT[use]}.` }];
  });
}

/** True for the text of a PEM file: the only form Node's TLS options take. */
export function holdsPemBlock(content: Buffer): boolean {
  return content.includes('-----BEGIN');
}

/** The few reasons a file cannot be read that need saying in words; any other is given by its code alone. */
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** Why a file could not be read, short: `ENOENT: no such file`. */
export function readFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return READ_ERRORS[code] ? `${code}: ${READ_ERRORS[code]}` : code;
  return String((error as { message?: unknown } | null)?.message ?? error);
}

/** What is wrong with a certificate file the exports would read, if anything. */
function problemOf(path: string): string | undefined {
  let content: Buffer;
  try {
    content = readFileSync(resolve(path));
  } catch (error) {
    return `cannot be read (${readFailure(error)})`;
  }
  return holdsPemBlock(content) ? undefined : 'holds no PEM block ("-----BEGIN"): expected a PEM file';
}

function withPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}
