import type { Agent } from 'node:http';
import { diag } from '@opentelemetry/api';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { ISerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OtlpSignalConfig } from '../config/read-config';

/** A LogRecordExporter that can give up at once on what it is still sending (see {@link createOtlpLogExporter}). */
export interface AbandoningLogRecordExporter extends LogRecordExporter {
  abandon(): void;
}

type NodeHttp = typeof import('@opentelemetry/otlp-exporter-base/node-http');
type Transformer = typeof import('@opentelemetry/otlp-transformer');

/**
 * OTLP/HTTP log records in protobuf or JSON, to `options.url` (the full `/v1/logs` address): what `@opentelemetry/exporter-logs-otlp-proto`/`-http` build, with the
 * trace exporter's transport (export/OtlpHttpTransport.ts: upstream's retries and gzip) in place of upstream's, so
 * that a send or a retry never keeps a finished app alive; `abandon()` ends every pending send when the exit flush
 * has had its time. Upstream's serializers (`@opentelemetry/otlp-transformer`) encode the records.
 */
export function createOtlpLogExporter(options: OtlpSignalConfig): AbandoningLogRecordExporter {
  const { OTLPExporterBase, createOtlpNetworkExportDelegate } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { convertLegacyHttpOptions, createOtlpHttpExporterMetrics } =
    require('@opentelemetry/otlp-exporter-base/node-http') as NodeHttp;
  const { LogsExporterMetricsHelper } = require('@opentelemetry/otlp-transformer') as Transformer;
  const { OtlpHttpTransport } = require('../export/OtlpHttpTransport') as typeof import('../export/OtlpHttpTransport');
  const json = options.protocol === 'http/json';
  const http = convertLegacyHttpOptions(
    {
      url: options.url,
      headers: { ...options.headers },
      timeoutMillis: options.timeoutMillis,
      compression: options.compression as CompressionAlgorithm,
      // As for traces: two exports in flight, so a collector outage cannot pile batches up in the heap; a batch that
      // finds both busy is dropped (bench/findings.md, "Collector outage").
      concurrencyLimit: 2,
      // Upstream's default agent factory loads node:http with import(); this one requires it (jest refuses import()).
      httpAgentOptions: keepAliveAgent,
    },
    'LOGS',
    'v1/logs',
    { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
  );
  const transport = new OtlpHttpTransport(http, false);
  const metrics = createOtlpHttpExporterMetrics(
    'otlp_http_log_exporter',
    LogsExporterMetricsHelper,
    http.url,
    undefined,
  );
  const delegate = createOtlpNetworkExportDelegate(http, guarded(serializerOf(json)), metrics, transport);
  const exporter = new OTLPExporterBase<ReadableLogRecord[]>(delegate);
  return Object.assign(exporter, { abandon: () => transport.abandon() });
}

type LogsSerializer = ISerializer<ReadableLogRecord[], unknown>;

function serializerOf(json: boolean): LogsSerializer {
  const transformer = require('@opentelemetry/otlp-transformer') as Transformer;
  return (json ? transformer.JsonLogsSerializer : transformer.ProtobufLogsSerializer) as LogsSerializer;
}

/**
 * Upstream's export path does not catch a throwing serializer, and a record's body or attributes are whatever the
 * app logged: a batch that cannot be encoded is dropped and reported instead.
 */
function guarded(serializer: LogsSerializer): LogsSerializer {
  return {
    serializeRequest(records: ReadableLogRecord[]): Uint8Array | undefined {
      try {
        return serializer.serializeRequest(records);
      } catch (error) {
        diag.error(`could not encode ${records.length} log records for export; they are dropped`, error);
        return undefined;
      }
    },
    deserializeResponse: (data: Uint8Array) => serializer.deserializeResponse(data),
  };
}

/** A keep-alive agent, as upstream's default agent options ask for. */
function keepAliveAgent(protocol: string): Agent {
  const module =
    protocol === 'http:'
      ? (require('node:http') as typeof import('node:http'))
      : (require('node:https') as typeof import('node:https'));
  return new module.Agent({ keepAlive: true });
}
