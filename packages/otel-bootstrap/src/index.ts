/**
 * The programmatic API: `import { start, shutdown } from '@org/otel-bootstrap/api'` for people who prefer code to
 * the --require / --import flag.
 */
export { deferredDecisionStats, start, shutdown } from './start';
export type { DeferredDecisionStats } from './sampling/DeferredDecisionProcessor';
export { readConfig, CONFIG, CONFIG_ROWS } from './config/read-config';
export { moduleHookStatus } from './instrumentation/patch-report';
export type { ModuleHookStatus } from './instrumentation/patch-report';
export { currentTraceIds } from './api/trace-ids';
export type { TraceIds } from './api/trace-ids';
export { traced, tracedMethod, withNewTrace } from './api/traced';
export type { NewTraceOptions } from './api/traced';
export type {
  BootstrapConfig,
  ConfigKey,
  ConfigResult,
  ConfigRow,
  ConfigValues,
  ConfigVariable,
  ConfigWarning,
  ExportConfig,
  InstrumentationConfig,
  InstrumentationName,
  KeepConfig,
  RedactionConfig,
  ResourceConfig,
  SamplingConfig,
  SdkConfig,
} from './config/read-config';
