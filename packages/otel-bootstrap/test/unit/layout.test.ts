import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

// The layout rules of docs/architecture.md and the house style, checked on every file of src/: a folder owns its
// stage and no two folders import each other; code files stay under 300 lines and functions under 60.
const SRC = join(__dirname, '..', '..', 'src');
/** Files that are only a data table, which may be longer. */
const DATA_TABLES = ['config/config-table.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.m?ts$/.test(entry.name) ? [relative(SRC, path)] : [];
  });
}

const FILES = sourceFiles(SRC);
const folderOf = (file: string) => (file.includes(sep) ? file.split(sep)[0] : '(root)');

/** Every relative module a file imports or requires, as a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)));
}

describe('the layout of src/', () => {
  it('has no two folders that import each other', () => {
    const edges = new Set<string>();
    for (const file of FILES) {
      for (const target of importsOf(file)) {
        if (folderOf(file) !== folderOf(target)) edges.add(`${folderOf(file)} -> ${folderOf(target)}`);
      }
    }
    const mutual = [...edges].filter((edge) => edges.has(edge.split(' -> ').reverse().join(' -> ')));
    expect(mutual).toEqual([]);
    expect(edges.size).toBeGreaterThan(5); // the check saw the imports at all
  });

  it.each(FILES.filter((file) => !DATA_TABLES.includes(file)).map((file) => [file]))(
    '%s has under 300 lines and no function over 60',
    (file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      expect(text.split('\n').length).toBeLessThanOrEqual(300);
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const long: string[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.end).line;
          if (end - start + 1 > 60) long.push(`line ${start + 1}: ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(long).toEqual([]);
    },
  );
});
