import type { BootstrapConfig } from '../config/read-config';
import { createSampling } from '../sampling/create-sampling';
import { loadRulesFile } from '../config/rules-file';

/**
 * The sampling an app would run with, after the rules file overrides the environment, as `doctor` prints it; and
 * the problems found reading the rules (issue 18: doctor printed "keep errors" from the environment while the rules
 * file said otherwise, and never reported an invalid file).
 */
export function effectiveSampling(
  config: BootstrapConfig,
  serviceName: string,
): { readonly lines: Record<string, string>; readonly warnings: readonly string[] } {
  // Built exactly as the app builds it, then stopped at once: nothing is sampled here.
  const sampling = createSampling(config, serviceName);
  sampling.stop();
  const loaded = config.samplingRulesFile ? loadRulesFile(config.samplingRulesFile) : undefined;
  const file = loaded && 'file' in loaded ? loaded.file : undefined;
  const source = (fromFile: unknown) => (fromFile !== undefined ? ' (rules file)' : '');

  const ratio = file?.defaultRatio ?? config.samplerRatio;
  const showsRatio = config.sampler.includes('ratio') || file?.defaultRatio !== undefined;
  const deferral = sampling.deferral;
  return {
    lines: {
      sampler: `${config.sampler}${showsRatio ? `, ratio ${ratio}${source(file?.defaultRatio)}` : ''}`,
      'sampling rules': rulesLine(config, loaded, file),
      'keep errors': `${deferral?.keepErrors ? 'yes' : 'no'}${source(file?.keepErrors)}`,
      'keep slower than': `${deferral?.slowerThanMs === undefined ? 'off' : `${deferral.slowerThanMs} ms`}${source(file?.keepSlowerThanMs)}`,
    },
    warnings: sampling.warnings,
  };
}

function rulesLine(
  config: BootstrapConfig,
  loaded: ReturnType<typeof loadRulesFile> | undefined,
  file: { readonly rules: readonly unknown[] } | undefined,
): string {
  if (!config.samplingRulesFile) return config.samplingRules ?? 'none';
  if (file) return `${config.samplingRulesFile} (${file.rules.length} rules)`;
  const error = loaded && 'error' in loaded ? loaded.error : 'unreadable';
  return `${config.samplingRulesFile}: INVALID, ignored (${error})`;
}
