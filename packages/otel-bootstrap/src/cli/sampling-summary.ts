import type { SamplingConfig } from '../config/read-config';

/**
 * The sampling an app would run with, as `doctor` prints it: the effective sampling section, which already has the
 * rules file merged over the environment, with "(rules file)" after each setting the file decided (issue 18: doctor
 * printed "keep errors" from the environment while the rules file said otherwise). Problems reading the rules are
 * configuration warnings, printed with the others.
 */
export function samplingLines(sampling: SamplingConfig): Record<string, string> {
  const file = sampling.rulesFile && 'file' in sampling.rulesFile ? sampling.rulesFile.file : undefined;
  const source = (fromFile: unknown) => (fromFile !== undefined ? ' (rules file)' : '');
  const showsRatio = sampling.sampler.includes('ratio') || file?.defaultRatio !== undefined;
  const { keep } = sampling;
  return {
    sampler: `${sampling.sampler}${showsRatio ? `, ratio ${sampling.ratio}${source(file?.defaultRatio)}` : ''}`,
    'sampling rules': rulesLine(sampling),
    'keep errors': `${keep?.errors ? 'yes' : 'no'}${source(file?.keepErrors)}`,
    'keep slower than': `${keep?.slowerThanMs === undefined ? 'off' : `${keep.slowerThanMs} ms`}${source(file?.keepSlowerThanMs)}`,
  };
}

function rulesLine({ rules, rulesFile }: SamplingConfig): string {
  if (!rulesFile) return (rules.from === 'env' ? rules.text : undefined) ?? 'none';
  if ('file' in rulesFile) return `${rulesFile.path} (${rulesFile.file.rules.length} rules)`;
  return `${rulesFile.path}: INVALID, ignored (${rulesFile.error})`;
}
