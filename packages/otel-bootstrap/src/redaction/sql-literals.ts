/**
 * Replaces every literal in SQL text with `?`, so `db.query.text` never carries the account numbers and emails an
 * app inlined into its queries. Placeholders ($1), identifiers, keywords and casts are kept; comments are dropped,
 * since they can hold anything (sqlcommenter tags, pasted values).
 *
 * A small tokenizer rather than a regex: a quote inside a comment, or a digit inside a quoted identifier, must not
 * change how the rest of the statement is read.
 */
export function scrubSqlLiterals(sql: string): string {
  const rememberable = sql.length <= MAX_REMEMBERED_LENGTH;
  if (rememberable && WITHOUT_LITERALS.has(sql)) return sql;
  const out = scrub(sql);
  if (rememberable && out === sql) {
    if (WITHOUT_LITERALS.size >= MAX_REMEMBERED) WITHOUT_LITERALS.clear();
    WITHOUT_LITERALS.add(sql);
  }
  return out;
}

/**
 * Statements the scrub left as they were: an app sends the same parameterized statements over and over, and scrubbing
 * one builds its copy a character at a time (W1's `SELECT $1::int AS n`: 0.6 KB a query, bench/findings.md, "SQL
 * text scrubbed once"). Only statements without literals are remembered, so nothing here holds a value an app
 * inlined; a statement with literals is scrubbed every time.
 */
const WITHOUT_LITERALS = new Set<string>();
const MAX_REMEMBERED = 1000;
const MAX_REMEMBERED_LENGTH = 4096;

function scrub(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (
      c === "'" ||
      ((c === 'E' || c === 'e' || c === 'X' || c === 'x' || c === 'B' || c === 'b') &&
        next === "'" &&
        !isWordChar(sql[i - 1]))
    ) {
      const escapeString = c === 'E' || c === 'e';
      i = skipQuoted(sql, c === "'" ? i : i + 1, "'", escapeString);
      out += '?';
    } else if (c === '"' || c === '`') {
      const end = skipQuoted(sql, i, c, false);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      i = indexOrEnd(sql, '\n', i);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      const tag = /^\$[A-Za-z_]\w*\$|^\$\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? sql.length : close + tag[0].length;
        out += '?';
      } else {
        out += c;
        i++;
      }
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      if (isWordChar(sql[i - 1]) || sql[i - 1] === '$' || sql[i - 1] === '.') {
        // Part of an identifier (t1), a placeholder ($1) or a qualified name: not a literal.
        out += c;
        i++;
      } else {
        i = skipNumber(sql, i);
        out += '?';
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote. Backslash escapes only exist in E'...' strings. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && backslashEscapes) {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] === quote)
        i += 2; // '' is an escaped quote inside the literal
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

function skipNumber(sql: string, start: number): number {
  const match = /^(0x[0-9a-f]+|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?)/i.exec(sql.slice(start));
  return start + (match ? match[0].length : 1);
}

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /\w/.test(c);
}
