import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ISerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OtlpSignalConfig } from '../config/read-config';
import { createOtlpHttpDelegate } from '../export/otlp-http-delegate';
import { markedAsLogs } from './LogExportError';

/** A LogRecordExporter that can give up at once on what it is still sending (see {@link createOtlpLogExporter}). */
export interface AbandoningLogRecordExporter extends LogRecordExporter {
  abandon(): void;
}

type Transformer = typeof import('@opentelemetry/otlp-transformer');

/**
 * OTLP/HTTP log records in protobuf or JSON, to `options.url` (the full `/v1/logs` address): what
 * `@opentelemetry/exporter-logs-otlp-proto`/`-http` build, over the trace exporter's delegate
 * (export/otlp-http-delegate.ts: our transport, with upstream's retries and gzip), so that a send or a retry never
 * keeps a finished app alive; `abandon()` ends every pending send when the exit flush has had its time. Upstream's
 * serializers (`@opentelemetry/otlp-transformer`) encode the records. A failed export's error is a
 * {@link LogExportError}, so that its report names log records, not spans (sdk/diagnostics.ts).
 */
export function createOtlpLogExporter(options: OtlpSignalConfig): AbandoningLogRecordExporter {
  const { OTLPExporterBase } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { LogsExporterMetricsHelper } = require('@opentelemetry/otlp-transformer') as Transformer;
  const delegate = createOtlpHttpDelegate({
    ...options,
    signal: 'LOGS',
    serializer: guarded(serializerOf(options.protocol === 'http/json')),
    metricsHelper: LogsExporterMetricsHelper,
    holdsProcess: false,
  });
  const exporter = new OTLPExporterBase<ReadableLogRecord[]>(delegate);
  const send = exporter.export.bind(exporter);
  return Object.assign(exporter, {
    export: (records: ReadableLogRecord[], done: (result: ExportResult) => void) =>
      send(records, (result) => done(markedAsLogs(result))),
    abandon: () => delegate.abandon(),
  });
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
