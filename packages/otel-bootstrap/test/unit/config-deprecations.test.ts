import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_ROWS, readConfig } from '../../src/config/read-config';
import type { ConfigRow } from '../../src/config/read-config';
import { readEnv } from '../../src/config/read-env';
import { parseRulesFile } from '../../src/config/rules-file';

const RENAMED = CONFIG_ROWS.filter((row) => row.replaces !== undefined);

/** Two different valid values of a row, as they would be written, and what each parses to. */
function twoValues(row: ConfigRow): [[string, unknown], [string, unknown]] {
  switch (row.type) {
    case 'boolean':
      return [
        ['false', false],
        ['true', true],
      ];
    case 'duration':
      return [
        ['1500ms', 1500],
        ['2s', 2000],
      ];
    case 'integer':
      return [
        ['1234', 1234],
        ['4321', 4321],
      ];
    default:
      throw new Error(`no sample values for a renamed ${row.type} row`);
  }
}

describe('renamed variables', () => {
  it('are the four keep variables, each replacing its old name', () => {
    expect(Object.fromEntries(RENAMED.map((row) => [row.replaces, row.key]))).toEqual({
      OTEL_BOOTSTRAP_SAMPLE_ERRORS: 'OTEL_BOOTSTRAP_KEEP_ERRORS',
      OTEL_BOOTSTRAP_SAMPLE_SLOWER_THAN: 'OTEL_BOOTSTRAP_KEEP_SLOWER_THAN',
      OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS: 'OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS',
      OTEL_BOOTSTRAP_TAIL_BUFFER_TTL: 'OTEL_BOOTSTRAP_KEEP_BUFFER_TTL',
    });
  });

  it.each(RENAMED.map((row) => [row.replaces, row.key, row] as const))(
    '%s alone still works, with one warning naming %s',
    (old, key, row) => {
      const [[text, value]] = twoValues(row);
      const { values, warnings } = readEnv({ [old as string]: text });
      expect(values[key]).toEqual(value);
      expect(warnings).toEqual([
        {
          key: old,
          deprecated: true,
          message: `${old} is deprecated: rename it ${key}; its value is used until then.`,
        },
      ]);
    },
  );

  it.each(RENAMED.map((row) => [row.key, row.replaces, row] as const))(
    '%s wins over %s when both are set, which still gives one warning',
    (key, old, row) => {
      const [[oldText], [newText, newValue]] = twoValues(row);
      const { values, warnings } = readEnv({ [old as string]: oldText, [key]: newText });
      expect(values[key]).toEqual(newValue);
      expect(warnings).toEqual([
        {
          key: old,
          deprecated: true,
          message: `${old} is deprecated and ignored: ${key} is set and wins; remove ${old}.`,
        },
      ]);
    },
  );

  it.each(RENAMED.map((row) => [row.key, row] as const))('%s alone gives no warning', (key, row) => {
    const [[text, value]] = twoValues(row);
    const { values, warnings } = readEnv({ [key]: text });
    expect(values[key]).toEqual(value);
    expect(warnings).toEqual([]);
  });
});

describe('an old name with an invalid value', () => {
  it('is named in both warnings, and the default is used', () => {
    const { config, warnings } = readConfig({ OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS: 'lots' });
    expect(config.sampling.keep?.buffer.maxSpans).toBe(20000);
    expect(warnings.map((w) => [w.key, w.message])).toEqual([
      [
        'OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS',
        expect.stringContaining('rename it OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS'),
      ],
      [
        'OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS',
        'OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS="lots" is invalid: expected a whole number of at least 1; using the default "20000".',
      ],
    ]);
  });
});

describe('the rules file\'s old "buffer"', () => {
  const RULES_FILE = 'OTEL_BOOTSTRAP_SAMPLING_RULES_FILE';

  it('still works, with one warning naming "keepBuffer"', () => {
    const result = parseRulesFile('{\n  "rules": [],\n  "buffer": { "maxSpans": 500, "ttl": "5s" }\n}', 'rules.json');
    expect(result).toEqual({
      file: { rules: [], keepBuffer: { maxSpans: 500, ttlMs: 5000 } },
      warnings: [
        {
          key: RULES_FILE,
          deprecated: true,
          message: 'rules.json:3: "buffer" is deprecated: rename it "keepBuffer"; its value is used until then.',
        },
      ],
    });
  });

  it('loses to "keepBuffer" when both are set, with one warning', () => {
    const text = '{\n  "buffer": { "maxSpans": 500 },\n  "keepBuffer": { "maxSpans": 700 }\n}';
    expect(parseRulesFile(text, 'rules.json')).toEqual({
      file: { rules: [], keepBuffer: { maxSpans: 700 } },
      warnings: [
        {
          key: RULES_FILE,
          deprecated: true,
          message: 'rules.json:2: "buffer" is deprecated and ignored: "keepBuffer" is set and wins; remove "buffer".',
        },
      ],
    });
  });

  it('reaches the effective sampling, its warning keyed by the rules file variable', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'otel-rules-')), 'rules.json');
    writeFileSync(path, '{ "rules": [], "buffer": { "ttl": "5s" } }');
    const { config, warnings } = readConfig({ [RULES_FILE]: path, OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS: '900' });
    expect(config.sampling.keep?.buffer).toEqual({ maxSpans: 900, ttlMs: 5000 });
    expect(warnings).toEqual([expect.objectContaining({ key: RULES_FILE, deprecated: true })]);
  });
});
