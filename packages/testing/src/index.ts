export { OtlpReceiver } from './otlp-receiver';
export type { ReceivedRequest } from './otlp-receiver';
export { decodeJson, decodeProtobuf } from './decode';
export type { ReceivedSpan, SpanKindName } from './decode';
export { decodeMetricsJson, decodeMetricsProtobuf, histogramPointsOf } from './decode-metrics';
export type {
  MetricKind,
  ReceivedExemplar,
  ReceivedHistogramPoint,
  ReceivedMetric,
  ReceivedPoint,
} from './decode-metrics';
export { decodeLogsJson, decodeLogsProtobuf } from './decode-logs';
export type { ReceivedLogRecord } from './decode-logs';
export {
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  otlpRoot,
} from './otlp-schema';
export type { MessageType } from './otlp-schema';
export { buildTrees, descendants, hideExpressLayers, renderTrees, treeShape } from './span-tree';
export type { HideSpan, SpanNode } from './span-tree';
export { runFixture, startFixture, RunningFixture } from './run-fixture';
export type { FixtureExit, FixtureOptions, LoadMode } from './run-fixture';
export { describeWithServices, serviceUrl } from './services';
export type { ServiceName } from './services';
export { seededRandom } from './seeded-random';
export { TestReceiver, useReceiver, withReceiver } from './test-receiver';
export type { FixtureEnv, ServiceOptions, StartedService, StartOptions, UseReceiverOptions } from './test-receiver';
