import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';
import { holdsPemBlock, readFailure } from '../config/otlp-signal';
import type { OtlpTlsFile, OtlpTlsFiles } from '../config/otlp-signal';
import type { OtlpHttpSettings } from './OtlpHttpTransport';

/**
 * Exports in flight at once, for every signal. Upstream allows 30. With the collector down each one retries for up to
 * the export timeout, holding its batch, so an outage piles batches up in the heap (bench/findings.md, "Collector
 * outage"). Two in flight keep a collector outage from growing memory; a batch that finds both busy is dropped (and
 * counted) like any other overflow.
 */
export const OTLP_CONCURRENCY_LIMIT = 2;

/** What differs between the OTLP/HTTP exports of traces, metrics and logs. */
export interface OtlpHttpDelegateOptions<Items> {
  /** Picks the exporter self-metrics' component type. */
  readonly signal: 'TRACES' | 'METRICS' | 'LOGS';
  /** The full URL, the signal's path included. */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  readonly serializer: ISerializer<Items, unknown>;
  /** How upstream's exporter self-metrics count the items of a request (from `@opentelemetry/otlp-transformer`). */
  readonly metricsHelper: IExporterMetricsHelper<Items>;
  /** False where a send still waiting on a collector must not keep a finished app alive (OtlpHttpTransport.ts). */
  readonly holdsProcess: boolean;
  /** The TLS files of an https endpoint (the OTEL_EXPORTER_OTLP_*CERTIFICATE and *CLIENT_KEY variables). */
  readonly tls?: OtlpTlsFiles;
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
  const { createOtlpHttpExporterMetrics } = require('@opentelemetry/otlp-exporter-base/node-http') as NodeHttp;
  const { OtlpHttpTransport } = require('./OtlpHttpTransport') as typeof import('./OtlpHttpTransport');
  const contentType = options.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  // The settings as the configuration table resolved them, whole. Upstream's convertLegacyHttpOptions, which built
  // them before, also reads every OTEL_EXPORTER_OTLP_[<SIGNAL>_]* variable again as the fallback of what is not
  // passed: it did read the compression variables for traces, whose exporter passed none. But it reads them all
  // whatever is passed, so each bad value got a second warning in upstream's words, and the certificate files were
  // read twice.
  const http: OtlpHttpSettings = {
    url: options.url,
    headers: () => Promise.resolve({ ...options.headers, 'Content-Type': contentType }),
    timeoutMillis: options.timeoutMillis,
    concurrencyLimit: OTLP_CONCURRENCY_LIMIT,
    compression: options.compression,
    agentFactory: otlpAgentFactory(options.tls),
    userAgent: undefined,
  };
  const transport = new OtlpHttpTransport(http, options.holdsProcess);
  const componentType = COMPONENT_TYPES[options.signal];
  const metrics = createOtlpHttpExporterMetrics(componentType, options.metricsHelper, http.url, undefined);
  const delegate = createOtlpNetworkExportDelegate(http, options.serializer, metrics, transport);
  return Object.assign(delegate, { abandon: () => transport.abandon() });
}

/**
 * The agent of every OTLP/HTTP export, as upstream's default agent factory makes it from the environment: keep-alive,
 * and for an https endpoint the TLS files of `tls`, read when the first export connects. Ours loads node:http and
 * node:https with require(): upstream's loads them with import(), which jest refuses without
 * --experimental-vm-modules, so its exporters could not send inside jest at all. A file that cannot be read, or
 * that holds no PEM block, is left out, and not warned about here: the configuration warned about it at startup
 * (config/otlp-signal.ts), with what the exports do without it. This is what that warning says they do.
 */
export function otlpAgentFactory(tls: OtlpTlsFiles | undefined): (protocol: string) => Agent {
  return (protocol) => {
    if (protocol === 'http:') {
      const http = require('node:http') as typeof import('node:http');
      return new http.Agent({ keepAlive: true });
    }
    const https = require('node:https') as typeof import('node:https');
    return new https.Agent({
      keepAlive: true,
      ca: readTlsFile(tls?.ca),
      cert: readTlsFile(tls?.cert),
      key: readTlsFile(tls?.key),
    });
  };
}

function readTlsFile(file: OtlpTlsFile | undefined): Buffer | undefined {
  if (!file) return undefined;
  let content: Buffer;
  try {
    content = readFileSync(resolve(file.path));
  } catch (error) {
    // The configuration warned at startup that it cannot be read, with what the exports do without it.
    diag.debug(`${file.variable}="${file.path}" cannot be read (${readFailure(error)}); it is left out`);
    return undefined;
  }
  // Node takes PEM only: as the client certificate or key, anything else fails every connection ("no start line");
  // as the CA, it leaves no CA at all in place of Node's default ones.
  return holdsPemBlock(content) ? content : undefined;
}
