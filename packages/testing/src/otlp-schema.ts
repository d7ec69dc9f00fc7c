import { join } from 'node:path';
import * as protobuf from 'protobufjs';

/**
 * The official OTLP protobuf schema: the opentelemetry-proto files shipped in this package's proto/ folder (see
 * proto/README.md for the release), loaded with protobufjs at run time. The SDK encodes by hand and ships no
 * decoder, so the test receiver decodes both encodings the same way through this schema.
 */

/** The folder that holds `opentelemetry/proto/...`: the package root's proto/, reached the same from src/ and dist/. */
const PROTO_DIR = join(__dirname, '..', 'proto');

/** The service files, under {@link PROTO_DIR}; each imports its signal's data, resource and common files. */
const SERVICE_FILES = ['trace', 'metrics', 'logs'].map(
  (signal) => `opentelemetry/proto/collector/${signal}/v1/${signal}_service.proto`,
);

/** The part of the protobufjs message API we use. */
export interface MessageType {
  decode(bytes: Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options: object): Record<string, unknown>;
}

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // protoc style: a file is named, and imports others, by its path under the proto root, never relative to the
  // importing file.
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  // keepCase stays off: fields get the lowerCamelCase names that OTLP/JSON and the decoder use (traceId,
  // startTimeUnixNano), as protobufjs's generated code has them.
  root.loadSync(SERVICE_FILES, { keepCase: false }).resolveAll();
  return root;
}

/** Every OTLP message type of the trace, metrics and logs collector services, by full name. */
export const otlpRoot: protobuf.Root = loadRoot();

export const ExportTraceServiceRequest: MessageType = otlpRoot.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);

export const ExportMetricsServiceRequest: MessageType = otlpRoot.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);

export const ExportLogsServiceRequest: MessageType = otlpRoot.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
