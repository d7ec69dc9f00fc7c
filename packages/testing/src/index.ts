export { OtlpReceiver } from './otlp-receiver';
export type { ReceivedRequest } from './otlp-receiver';
export { decodeJson, decodeProtobuf } from './decode';
export type { ReceivedSpan, SpanKindName } from './decode';
export { buildTrees, renderTrees, treeShape } from './span-tree';
export type { SpanNode } from './span-tree';
export { runFixture, startFixture, RunningFixture } from './run-fixture';
export type { FixtureExit, FixtureOptions, LoadMode } from './run-fixture';
