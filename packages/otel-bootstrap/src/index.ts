/**
 * The programmatic API: `import { start, shutdown } from '@org/otel-bootstrap/api'` for people who prefer code to
 * the --require / --import flag.
 */
export { deferredDecisionStats, start, shutdown } from './start';
export type { DeferredDecisionStats } from './processors/DeferredDecisionProcessor';
export { readConfig, CONFIG_ROWS } from './config';
export { moduleHookStatus } from './patch-report';
export type { ModuleHookStatus } from './patch-report';
export { currentTraceIds } from './helpers/trace-ids';
export type { TraceIds } from './helpers/trace-ids';
export { traced, tracedMethod, withNewTrace } from './helpers/traced';
export type { NewTraceOptions } from './helpers/traced';
export type { BootstrapConfig, ConfigRow, ConfigResult, ConfigWarning, InstrumentationName } from './config';
