import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RedactingSpanProcessor } from '../../src/redaction/RedactingSpanProcessor';
import { RedactionRules } from '../../src/redaction/redaction-rules';

const rules = new RedactionRules({ extraKeyGlobs: [], extraQueryKeys: [] });

// Messages as PostgreSQL 15, Redis 7.0, V8 (Node 24), undici and the apps around them produce them; a value that
// stands for a secret is scrubbed, every name (relation, column, constraint, type) and the message's shape is kept.
describe('error texts: what a message quotes', () => {
  it.each([
    // PostgreSQL: a bound parameter or literal it could not take
    ['invalid input syntax for type integer: "4111111111111111x"', 'invalid input syntax for type integer: "?"'],
    ['invalid input syntax for type integer: "a"b c"', 'invalid input syntax for type integer: "?"'],
    ['invalid input syntax for type integer: "a\nb"', 'invalid input syntax for type integer: "?"'],
    ['invalid input syntax for type uuid: "nope"', 'invalid input syntax for type uuid: "?"'],
    ['invalid input value for enum mood: "sad"', 'invalid input value for enum mood: "?"'],
    ['date/time field value out of range: "2024-13-45"', 'date/time field value out of range: "?"'],
    ['malformed array literal: "{secret"', 'malformed array literal: "?"'],
    ['value "987654321" is out of range for type smallint', 'value "?" is out of range for type smallint'],
    ['invalid hexadecimal digit: "Z"', 'invalid hexadecimal digit: "?"'],
    ['invalid value "x" for "YYYY"', 'invalid value "?" for "?"'],
    ['invalid value for parameter "TimeZone": "Mars/Base"', 'invalid value for parameter "TimeZone": "?"'],
    ['Token "secret" is invalid.', 'Token "?" is invalid.'],
    // PostgreSQL syntax errors quote a token of the statement: a literal goes, a keyword or name stays
    ["unterminated quoted string at or near \"'it''s secret\"", 'unterminated quoted string at or near "?"'],
    ['syntax error at or near "\'def\'"', 'syntax error at or near "?"'],
    ['syntax error at or near "4111"', 'syntax error at or near "?"'],
    ['syntax error at or near "SELEC"', 'syntax error at or near "SELEC"'],
    // PostgreSQL: names only, kept as they are
    ['relation "no_such_table" does not exist', 'relation "no_such_table" does not exist'],
    ['duplicate key value violates unique constraint "acc_email_key"', 'unchanged'],
    ['null value in column "card" of relation "acc" violates not-null constraint', 'unchanged'],
    ['insert or update on table "ord" violates foreign key constraint "ord_acc_id_fkey"', 'unchanged'],
    ['invalid byte sequence for encoding "UTF8": 0xff', 'unchanged'],
    ['password authentication failed for user "postgres"', 'unchanged'],
    ["PostgreSQL error of type 'error' occurred (code: 22P02)", 'unchanged'],
    ['value too long for type character varying(4)', 'unchanged'],
    // Redis echoes a command's arguments
    [
      "ERR unknown command 'NOSUCHCMD', with args beginning with: 'otb:key' 'SECRET' ",
      "ERR unknown command '?', with args beginning with: '?' ",
    ],
    ["ERR unknown subcommand 'SECRET'. Try CLIENT HELP.", "ERR unknown subcommand '?'. Try CLIENT HELP."],
    ['ERR value is not an integer or out of range', 'unchanged'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'unchanged'],
    // V8's JSON.parse quotes what it rejected (a request body, a token), whole or cut to an excerpt
    [`Unexpected token 'S', "SECRET_1" is not valid JSON`, `Unexpected token '?', "?" is not valid JSON`],
    [
      `Unexpected token 'S', "{"card": SECRET_JSO"... is not valid JSON`,
      `Unexpected token '?', "?"... is not valid JSON`,
    ],
    [
      `Unexpected token 'x', ..."d": "SECRET", "e"... is not valid JSON`,
      `Unexpected token '?', ..."?"... is not valid JSON`,
    ],
    ['"[object Object]" is not valid JSON', '"?" is not valid JSON'],
    // a quoted character of the syntax goes too: nothing tells it from a value
    ["Expected property name or '}' in JSON at position 1", "Expected property name or '?' in JSON at position 1"],
    // Node and undici
    ['Headers.append: "Bearer x\u0000" is an invalid header value.', 'Headers.append: "?" is an invalid header value.'],
    ['Invalid value "undefined" for header "x-api-version"', 'Invalid value "?" for header "x-api-version"'],
    ["Cannot read properties of undefined (reading 'email')", 'unchanged'],
    ["Cannot find module 'left-pad'", 'unchanged'],
    ['connect ECONNREFUSED 127.0.0.1:5432', 'unchanged'],
    // the app's own errors
    ["no account with token 'SECRET'", "no account with token '?'"],
    ['can\'t charge card "4111 1111" today', 'can\'t charge card "?" today'],
    ['value cut off by the span limits: "SECRET_AND_MO', 'value cut off by the span limits: "?"'],
    [`column "cut_off_name, then 'SECRET'`, `column "cut_off_name, then '?'`],
  ])('%j', (message, expected) => {
    expect(rules.redactText(message)).toBe(expected === 'unchanged' ? message : expected);
  });
});

describe("error texts: PostgreSQL's key and row details, which apps append to their own messages", () => {
  it.each([
    ['Key (email)=(a@b.c) already exists.', 'Key (email)=([REDACTED]) already exists.'],
    ['Key (email)=(x)y z) already exists.', 'Key (email)=([REDACTED]) already exists.'],
    ['Key (lower(email))=(a@b.c) already exists.', 'Key (lower(email))=([REDACTED]) already exists.'],
    ['Key (acc_id)=(99) is not present in table "acc".', 'Key (acc_id)=([REDACTED]) is not present in table "acc".'],
    [
      'Key (id)=(7) is still referenced from table "ord".',
      'Key (id)=([REDACTED]) is still referenced from table "ord".',
    ],
    [
      'Key (during)=([1,5)) conflicts with existing key (during)=([2,3)).',
      'Key (during)=([REDACTED]) conflicts with existing key (during)=([REDACTED]).',
    ],
    ['Failing row contains (5, e@f, null, 1).', 'Failing row contains ([REDACTED]).'],
    [
      'duplicate key value violates unique constraint "acc_email_key": Key (email)=(a@b.c) already exists.',
      'duplicate key value violates unique constraint "acc_email_key": Key (email)=([REDACTED]) already exists.',
    ],
    ['insert failed: Key (email)=(a@b.c', 'insert failed: Key (email)=([REDACTED]'],
  ])('%j', (message, expected) => {
    expect(rules.redactText(message)).toBe(expected);
  });
});

describe('error texts: stack traces', () => {
  it('scrubs the message at the top of a stack and keeps the frames', () => {
    const stack = [
      "ReplyError: ERR unknown command 'NOSUCHCMD', with args beginning with: 'SECRET' ",
      '    at parseError (/app/node_modules/redis-parser/lib/parser.js:179:12)',
      "    at Object.<anonymous> (/home/o'brien/app/main.js:3:9)",
    ].join('\n');
    expect(rules.redactText(stack).split('\n')).toEqual([
      "ReplyError: ERR unknown command '?', with args beginning with: '?' ",
      '    at parseError (/app/node_modules/redis-parser/lib/parser.js:179:12)',
      "    at Object.<anonymous> (/home/o'brien/app/main.js:3:9)",
    ]);
  });

  it('scrubs lines a library added after the frames', () => {
    const stack = 'Error: save failed\n    at save (/app/db.js:1:1)\nCaused by: Key (email)=(a@b.c) already exists.';
    expect(rules.redactText(stack)).toBe(
      'Error: save failed\n    at save (/app/db.js:1:1)\nCaused by: Key (email)=([REDACTED]) already exists.',
    );
  });
});

describe('RedactingSpanProcessor: every place an error text is kept on a span', () => {
  it('scrubs the status message and the exception event, and keeps their shape', async () => {
    const exporter = new InMemorySpanExporter();
    const processor = new RedactingSpanProcessor(new SimpleSpanProcessor({ exporter }), rules);
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const span = provider.getTracer('test').startSpan('failing');
    const error = new Error('invalid input syntax for type integer: "SECRET"');
    span.recordException(error);
    span.recordException('malformed array literal: "{SECRET"');
    span.addEvent('retry', { 'error.message': "ERR unknown subcommand 'SECRET'. Try CLIENT HELP." });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    await provider.forceFlush();

    const [ended] = exporter.getFinishedSpans();
    expect(JSON.stringify([ended.status, ended.events])).not.toContain('SECRET');
    expect(ended.status.message).toBe('invalid input syntax for type integer: "?"');
    expect(ended.events.map((e) => e.attributes)).toEqual([
      {
        'exception.type': 'Error',
        'exception.message': 'invalid input syntax for type integer: "?"',
        'exception.stacktrace': expect.stringMatching(/^Error: invalid input syntax for type integer: "\?"\n {4}at /),
      },
      { 'exception.message': 'malformed array literal: "?"' },
      { 'error.message': "ERR unknown subcommand '?'. Try CLIENT HELP." },
    ]);
    await provider.shutdown();
  });
});
