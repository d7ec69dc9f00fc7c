/**
 * The programmatic API: `import { start, shutdown } from '@org/otel-bootstrap/api'` for people who prefer code to
 * the --require / --import flag.
 */
export { deferredDecisionStats, start, shutdown } from './start';
export type { DeferredDecisionStats } from './processors/DeferredDecisionProcessor';
export { readConfig, CONFIG_ROWS } from './config';
export type { BootstrapConfig, ConfigRow, ConfigResult, ConfigWarning, InstrumentationName } from './config';
