import { scrubSqlLiterals } from './sql-literals';

/**
 * Words after which PostgreSQL, Node and the libraries we instrument quote a name rather than a value:
 * `relation "orders"`, `column "email"`, `constraint "accounts_email_key"`, `of type 'error'`, `for header "x-a"`,
 * `(reading 'id')`. Such a name is kept; every other quoted text is taken for a value.
 */
const NAME_BEFORE_QUOTE =
  /\b(?:relation|table|column|constraint|index|schema|database|role|user|type|function|procedure|sequence|view|trigger|extension|encoding|operator|collation|domain|cursor|statement|savepoint|portal|parameter|tablespace|header|module|property|reading|setting|queue|exchange)\s+$/i;
/** `syntax error at or near "…"`: PostgreSQL quotes a piece of the statement, which may be a literal. */
const SQL_TOKEN_BEFORE_QUOTE = /\bat or near\s+$/i;
/**
 * Where a quoted value runs to the end of the message, so it ends at the message's last quote, whatever quotes it
 * holds: after a colon (`for type integer: "…"`, `with args beginning with: '…' '…'`), a comma (V8's
 * `Unexpected token 'x', "…" is not valid JSON`), an ellipsis (V8's excerpt `..."…"...`) or at the very start.
 */
const VALUE_TO_THE_END_BEFORE_QUOTE = /(?:^|[:,]|\.\.\.)\s*$/;
/** What may follow a closing quote: a value's quote followed by a letter (`"ab"c"`) is inside the value. */
const AFTER_CLOSING_QUOTE = /[\s,.;:)\]}!?]/;
/** PostgreSQL's `detail` of a key: `Key (email)=(a@b.c) already exists.` (also in an exclusion constraint's second key). */
const KEY_DETAIL =
  /\b(key \((?:[^()]|\([^()]*\))*\)=\()[\s\S]*?(\)(?=\s+(?:already exists|is not present|is still referenced|is duplicated|conflicts with))|\)\.?[ \t]*(?:\n|$)|$)/gi;
/** PostgreSQL's `detail` of a row: `Failing row contains (1, a@b.c, null).` */
const ROW_DETAIL = /\b(Failing row contains \()[\s\S]*?(\)\.?[ \t]*(?:\n|$)|$)/g;
/** A stack trace's frame line, which holds code locations and never data. */
const FRAME_LINE = /^\s+at\s/;

/**
 * Replaces the values an error message quotes with `?` and PostgreSQL's key and row details with `redacted`, and
 * keeps the rest of the message as it was: `invalid input syntax for type integer: "?"`,
 * `Key (email)=([REDACTED]) already exists.`, `relation "orders" does not exist`. A stack trace's frame lines are
 * left alone; the lines before them (the message, and any other text a library added) are scrubbed.
 *
 * PostgreSQL echoes a bound parameter or a literal in many errors (`invalid input syntax`, `value "…" is out of
 * range`, `malformed array literal`, `unterminated quoted string at or near`), Redis echoes a command's arguments
 * (`with args beginning with: '…'`) and V8 echoes the text JSON.parse rejected, all of which reach status messages
 * and exception events unchanged.
 */
export function scrubErrorText(text: string, redacted: string): string {
  if (!text.includes('"') && !text.includes("'") && !/\bkey \(|\bFailing row/i.test(text)) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let message: string[] = [];
  const flush = () => {
    if (message.length > 0) out.push(scrubMessage(message.join('\n'), redacted));
    message = [];
  };
  for (const line of lines) {
    if (FRAME_LINE.test(line)) {
      flush();
      out.push(line);
    } else {
      message.push(line);
    }
  }
  flush();
  return out.join('\n');
}

function scrubMessage(message: string, redacted: string): string {
  const details = message.replace(KEY_DETAIL, `$1${redacted}$2`).replace(ROW_DETAIL, `$1${redacted}$2`);
  return scrubQuoted(details);
}

/** Each quoted value becomes `"?"` (or `'?'`); quoted names stay, and a quoted SQL token keeps what is not a literal. */
function scrubQuoted(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const quote = text[i];
    if ((quote !== '"' && quote !== "'") || /\w/.test(text[i - 1] ?? '')) {
      out += quote;
      i++;
      continue;
    }
    const before = text.slice(Math.max(0, i - 40), i);
    if (NAME_BEFORE_QUOTE.test(before)) {
      // A name's quote that nothing closes keeps only itself: what follows is read on.
      const end = firstClosing(text, i) ?? i + 1;
      out += text.slice(i, end);
      i = end;
    } else if (SQL_TOKEN_BEFORE_QUOTE.test(before)) {
      const end = lastClosing(text, i);
      const token = text.slice(i + 1, end === undefined ? text.length : end - 1);
      out += `${quote}${scrubSqlLiterals(token)}${quote}`;
      i = end ?? text.length;
    } else {
      // A quote with no closing one was cut off (span limits shorten long attribute values): the rest is the value.
      const end = VALUE_TO_THE_END_BEFORE_QUOTE.test(before) ? lastClosing(text, i) : firstClosing(text, i);
      out += `${quote}?${quote}`;
      i = end ?? text.length;
    }
  }
  return out;
}

/** Index just past the first quote that can close the one at `open`, or undefined when none can. */
function firstClosing(text: string, open: number): number | undefined {
  for (let j = open + 1; j < text.length; j++) {
    if (closes(text, open, j)) return j + 1;
  }
  return undefined;
}

/** Index just past the last quote that can close the one at `open`, or undefined when none can. */
function lastClosing(text: string, open: number): number | undefined {
  for (let j = text.length - 1; j > open; j--) {
    if (closes(text, open, j)) return j + 1;
  }
  return undefined;
}

function closes(text: string, open: number, at: number): boolean {
  return text[at] === text[open] && (at + 1 === text.length || AFTER_CLOSING_QUOTE.test(text[at + 1]));
}
