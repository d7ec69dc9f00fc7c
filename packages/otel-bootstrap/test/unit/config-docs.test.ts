import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_ROWS } from '../../src/config/read-config';
import type { ConfigRow } from '../../src/config/read-config';

const page = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');

/** `## \`KEY\`` sections of docs/configuration.md, by key. */
const sections = new Map(
  page
    .split(/^## /m)
    .slice(1)
    .flatMap((chunk) => {
      const match = /^`([A-Z0-9_]+)`\n([\s\S]*)$/.exec(chunk);
      return match ? [[match[1], match[2]] as const] : [];
    }),
);

function documentedDefault(row: ConfigRow): string {
  if (row.default === undefined) return 'unset';
  return row.default === '' ? 'empty' : `\`${row.default}\``;
}

describe('docs/configuration.md', () => {
  it('has a section for every row and no section for anything else', () => {
    expect([...sections.keys()].sort()).toEqual(CONFIG_ROWS.map((r) => r.key).sort());
  });

  it.each(CONFIG_ROWS.map((row) => [row.key, row] as const))('documents %s as the table defines it', (key, row) => {
    const section = sections.get(key) ?? '';
    expect(section).toContain(`- Type: ${row.type}\n`);
    expect(section).toContain(`- Default: ${documentedDefault(row)}\n`);
    if (row.allowed) expect(section).toContain(`- Allowed: ${row.allowed.map((a) => `\`${a}\``).join(', ')}\n`);
    if (row.replaces) expect(section).toContain(`- Replaces: \`${row.replaces}\` (deprecated)\n`);
    expect(section.replace(/\s+/g, ' ')).toContain(row.description.replace(/\s+/g, ' '));
  });
});
