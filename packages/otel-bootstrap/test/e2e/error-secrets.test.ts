import { join } from 'node:path';
import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';

// Issue 19, item 4: `SELECT $1::int` with a secret as $1 fails with `invalid input syntax for type integer: "<the
// secret>"`, and that text was exported as the span's status message. The fixture makes errors that echo a secret
// on every path an error's text takes onto a span (pg, ioredis, express, fastify, traced()); the secrets must be
// nowhere in the bytes the receiver got, and the messages must keep their shape.

const FIXTURE = join(__dirname, '..', 'fixtures', 'pg-error-secret.js');
/** Every planted secret starts with SECRET (V8 cuts one to "SECRET_JSO"); the smallint one is a number. */
const SECRETS = /SECRET\w*|987654321/g;

/** Runs the fixture to its end; resolves with the raw exported bytes as text, and the spans. */
function exported(env: Record<string, string>): Promise<{ wire: string; spans: ReceivedSpan[] }> {
  return withReceiver(async (receiver) => {
    const exit = await receiver.runFixture(FIXTURE, {
      PG_URL: serviceUrl('postgres'),
      REDIS_URL: serviceUrl('redis'),
      ...env,
    });
    expect(exit).toMatchObject({ code: 0, stdout: 'done\n', stderr: '' });
    expect(receiver.decodeErrors).toEqual([]);
    return { wire: receiver.requests.map((r) => r.body.toString('latin1')).join('\n'), spans: receiver.spans };
  });
}

const statuses = (spans: readonly ReceivedSpan[], name: string) =>
  spans.filter((s) => s.name === name && s.status.code === 'ERROR').map((s) => s.status.message);
const exceptionMessages = (spans: readonly ReceivedSpan[], name: string) =>
  spans
    .filter((s) => s.name === name)
    .flatMap((s) => s.events.filter((e) => e.name === 'exception').map((e) => e.attributes['exception.message']));

describeWithServices(['postgres', 'redis'])('an error text that echoes a secret', () => {
  it.each([['http/protobuf'], ['http/json']])('leaves no secret in the raw %s bytes', async (protocol) => {
    const { wire } = await exported({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    expect(wire.match(SECRETS) ?? []).toEqual([]);
  });

  it('keeps the shape of each message, its names and codes', async () => {
    const { spans } = await exported({});
    expect(statuses(spans, 'pg.query:SELECT test')).toEqual([
      'invalid input syntax for type integer: "?"',
      'invalid input syntax for type integer: "?"',
      'invalid input syntax for type date: "?"',
      'malformed array literal: "?"',
      'value "?" is out of range for type smallint',
      'unterminated quoted string at or near "?"',
    ]);
    expect(exceptionMessages(spans, 'pg.query:SELECT test')).toContain(
      "PostgreSQL error of type 'error' occurred (code: 22P02)",
    );
    expect(statuses(spans, 'pg.query:INSERT test')).toEqual([
      'duplicate key value violates unique constraint "accounts_email_key"',
      'null value in column "card" of relation "accounts" violates not-null constraint',
      'null value in column "card" of relation "accounts" violates not-null constraint',
    ]);
    expect(exceptionMessages(spans, 'save-account')).toEqual([
      'duplicate key value violates unique constraint "accounts_email_key": Key (email)=([REDACTED]) already exists.',
      'null value in column "card" of relation "accounts" violates not-null constraint: Failing row contains ([REDACTED]).',
    ]);
    expect(statuses(spans, 'NOSUCHCMD')).toEqual(["ERR unknown command '?', with args beginning with: '?' "]);
    expect(statuses(spans, 'CLIENT')).toEqual(["ERR unknown subcommand '?'. Try CLIENT HELP."]);
    expect(exceptionMessages(spans, 'request handler')).toEqual([
      `Unexpected token '?', "?"... is not valid JSON`,
      "no account with token '?'",
    ]);
    expect(exceptionMessages(spans, 'GET /payments')).toEqual(['card "?" declined']);
    const parse = spans.find((s) => s.name === 'parse-token');
    expect(parse?.status.message).toBe(`Unexpected token '?', "?" is not valid JSON`);
    // The stack keeps its frames; only its first line, the message, changed.
    expect(parse?.events[0].attributes['exception.stacktrace']).toMatch(
      /^SyntaxError: Unexpected token '\?', "\?" is not valid JSON\n {4}at JSON\.parse/,
    );
  });

  it('exports them when redaction is switched off (so the checks above can fail)', async () => {
    const { wire } = await exported({ OTEL_BOOTSTRAP_REDACT: 'false' });
    expect([...new Set(wire.match(SECRETS))].sort()).toEqual([
      '987654321',
      'SECRET_EXPRESS_1',
      'SECRET_FASTIFY_1',
      'SECRET_JSO',
      'SECRET_PARSE_1',
      'SECRET_PGARRAY_1',
      'SECRET_PGDATE_1',
      'SECRET_PGINT_1',
      'SECRET_PGKEY_1',
      'SECRET_PGQUOTE_1',
      'SECRET_PGROW_1',
      'SECRET_PGSYNTAX_1',
      'SECRET_REDISSUB_1',
      'SECRET_REDIS_1',
    ]);
  });
});
