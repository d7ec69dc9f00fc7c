/**
 * The one module that computes the configuration.
 *
 * Every variable the bootstrap honours is a row in {@link CONFIG} (config-table.ts): its type, default, allowed
 * values and description. docs/configuration.md has a section per row, and a unit test keeps the two in step.
 * read-env.ts reads the rows into typed values; here they become sections, and the sampling rules file is merged
 * over the variables it also sets.
 */

import type { ConfigWarning } from './config-warning';
import { exportSection } from './export-section';
import type { ExportConfig } from './export-section';
import { logsSection } from './logs-section';
import type { LogsConfig } from './logs-section';
import { metricsSection } from './metrics-section';
import type { MetricsConfig } from './metrics-section';
import { tlsFileWarnings } from './otlp-signal';
import { readEnv } from './read-env';
import type { Env } from './read-env';
import { samplingSection } from './sampling-section';
import type { SamplingConfig } from './sampling-section';
import { instrumentationSection, redactionSection, resourceSection, sdkSection } from './sections';
import type { InstrumentationConfig, RedactionConfig, ResourceConfig, SdkConfig } from './sections';

export { CONFIG, CONFIG_ROWS } from './config-table';
export type { ConfigKey, ConfigRow, ConfigType, ConfigVariable, InstrumentationName } from './config-table';
export type { ConfigWarning } from './config-warning';
export type { ExportConfig } from './export-section';
export type { LogsConfig } from './logs-section';
export type { MetricExporterName, MetricsConfig } from './metrics-section';
export type { OtlpSignalConfig } from './otlp-signal';
export { isSdkDisabled, wantsCompileCache } from './read-env';
export type { ConfigValues, ValueOf } from './read-env';
export type { JaegerRemoteSettings } from './sampler-arg';
export type { IgnoredError, KeepConfig, RulesFileOutcome, SamplingConfig, SamplingRules } from './sampling-section';
export type { InstrumentationConfig, RedactionConfig, ResourceConfig, SdkConfig } from './sections';

/**
 * The resolved configuration, one section per stage of the pipeline, each handed whole to the factory of that
 * stage and to nothing else: a factory cannot come to depend on another stage's variables, and `doctor` prints
 * from the same sections the app is built from.
 *
 * The boundaries follow the folders of src/: `export` (export/ and the batch processor), `sampling` (sampling/,
 * with the rules file merged in), `redaction` (redaction/), `instrumentation` (instrumentation/), `metrics`
 * (metrics/), `logs` (logs/, which also gets the redaction rules) and `resource` (sdk/resource.ts; one resource
 * for all three signals). What start.ts itself reads (whether to start, log level, shutdown, span limits and the
 * propagators it hands to the SDK) and the Jaeger URL only `doctor` reads are too few, and too unlike each other,
 * for a section each: they make up `sdk`.
 */
export interface BootstrapConfig {
  readonly sdk: SdkConfig;
  readonly resource: ResourceConfig;
  readonly export: ExportConfig;
  readonly sampling: SamplingConfig;
  readonly redaction: RedactionConfig;
  readonly instrumentation: InstrumentationConfig;
  readonly metrics: MetricsConfig;
  readonly logs: LogsConfig;
}

/** The outcome of {@link readConfig}: the configuration, plus one warning per bad setting. */
export interface ConfigResult {
  readonly config: BootstrapConfig;
  readonly warnings: readonly ConfigWarning[];
}

/** Reads the environment (and the sampling rules file it names) into the configuration. Never throws. */
export function readConfig(env: Env = process.env): ConfigResult {
  const { values, warnings } = readEnv(env);
  const isSet = (key: string) => (env[key]?.trim() ?? '') !== '';
  const redaction = redactionSection(values);
  const config: BootstrapConfig = {
    sdk: sdkSection(values),
    resource: resourceSection(values),
    export: exportSection(values, isSet, warnings),
    sampling: samplingSection(values, warnings),
    redaction,
    instrumentation: instrumentationSection(values),
    metrics: metricsSection(values, isSet, warnings),
    logs: logsSection(values, redaction, warnings),
  };
  warnings.push(...tlsFileWarnings(values));
  return { config, warnings };
}
