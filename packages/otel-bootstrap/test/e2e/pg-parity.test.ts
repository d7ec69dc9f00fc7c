import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Differential test: the same pg calls (test/fixtures/pg-parity.js) run against the real PostgreSQL twice, once with
// our pg instrumentation and once with upstream's (@opentelemetry/instrumentation-pg), and each case's trace must
// come out the same: span names, kinds, parents, status, events with their attributes, and every attribute. Only
// what differs by nature is normalised: ids, times and the pg spans' instrumentation scope.

const CASES = [
  'pool.query, promise',
  'pool.query, callback',
  'pool.connect and client.query, promises',
  'pool.connect and client.query, callbacks',
  'a new Client: connect, query, end',
  'a new Client: connect with a callback',
  'a syntax error, promise',
  'a missing table, callback',
  'a named prepared statement',
  'a query config with its own callback',
  'inlined literals, lower case, a trailing semicolon',
  'client.query with a callback, and with a config and values',
  'pool.connect after pool.end, with an async callback',
  'a query with no arguments at all',
  'no server to connect to',
  'a pool with no server behind it',
];
const PG_SCOPES = ['@org/otel-bootstrap/pg', '@opentelemetry/instrumentation-pg'];

type Normalised = ReturnType<typeof normalise>;

/** A set of spans as a comparable value: parents by name, ids and times left out, in a stable order. */
function normalise(spans: readonly ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      parent: byId.get(s.parentSpanId)?.name ?? (s.parentSpanId ? 'a span elsewhere' : 'root'),
      status: s.status,
      events: s.events,
      attributes: s.attributes,
      scope: PG_SCOPES.includes(s.scope.name) ? 'the pg instrumentation' : s.scope.name,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

interface Run {
  readonly traces: Map<string, Normalised>;
  /** Spans in no case's trace: those of the call made outside any span. */
  readonly outside: Normalised;
  readonly pgScopes: Set<string>;
}

/** Runs a fixture to its end under one of the two instrumentations; resolves with what the receiver got. */
function spansOf(script: string, mode: 'lean' | 'upstream'): Promise<ReceivedSpan[]> {
  return withReceiver(async (receiver) => {
    const exit = await receiver.runFixture(fixture(script), {
      OTEL_SERVICE_NAME: 'pg-parity',
      OTEL_BOOTSTRAP_PG: mode,
      PG_URL: serviceUrl('postgres'),
    });
    expect(exit).toMatchObject({ code: 0, stdout: 'done\n', stderr: '' });
    return receiver.spans;
  });
}

async function runCases(mode: 'lean' | 'upstream'): Promise<Run> {
  const spans = await spansOf('pg-parity.js', mode);
  {
    const traces = new Map<string, Normalised>();
    const caseTraces = new Set<string>();
    for (const name of CASES) {
      const root = spans.find((s) => s.name === `case: ${name}`);
      if (!root) throw new Error(`no span for case ${name}`);
      caseTraces.add(root.traceId);
      traces.set(name, normalise(spans.filter((s) => s.traceId === root.traceId)));
    }
    const outside = normalise(spans.filter((s) => !caseTraces.has(s.traceId)));
    const pgScopes = new Set(spans.filter((s) => s.name.startsWith('pg')).map((s) => s.scope.name));
    return { traces, outside, pgScopes };
  }
}

describeWithServices(['postgres'])('our pg spans match upstream instrumentation-pg, call for call', () => {
  let lean: Run;
  let upstream: Run;

  beforeAll(async () => {
    lean = await runCases('lean');
    upstream = await runCases('upstream');
  }, 60_000);

  it('really compares two implementations', () => {
    expect([...lean.pgScopes]).toEqual(['@org/otel-bootstrap/pg']);
    expect([...upstream.pgScopes]).toEqual(['@opentelemetry/instrumentation-pg']);
  });

  it.each(CASES.map((name) => [name]))('%s: the same trace', (name) => {
    expect(lean.traces.get(name)).toEqual(upstream.traces.get(name));
  });

  it('a call outside any span: the same spans, the query under the checkout as upstream puts it', () => {
    expect(lean.outside).toEqual(upstream.outside);
    expect(lean.outside.map((s) => `${s.parent}>${s.name}`)).toEqual([
      'root>pg-pool.connect',
      'pg-pool.connect>pg.query:SELECT test',
    ]);
  });

  it('the cases cover what they claim (nesting, callback context, errors, plans, redaction)', () => {
    const spans = (name: string) => lean.traces.get(name)!;
    const named = (name: string, span: string) => spans(name).filter((s) => s.name === span);

    const first = spans('pool.query, promise').map((s) => `${s.parent}>${s.name}`);
    expect(first).toEqual(expect.arrayContaining(['pg-pool.connect>pg.connect', 'case: pool.query, promise>after']));
    expect(named('pool.query, callback', 'after')[0].parent).toBe('case: pool.query, callback');
    expect(named('pool.connect and client.query, callbacks', 'after').map((s) => s.parent)).toEqual([
      'case: pool.connect and client.query, callbacks',
      'case: pool.connect and client.query, callbacks',
    ]);

    const syntax = named('a syntax error, promise', 'pg.query:SELEC test')[0];
    expect(syntax.status).toEqual({ code: 'ERROR', message: 'syntax error at or near "SELEC"' });
    expect(syntax.events.map((e) => e.attributes['exception.message'])).toEqual([
      "PostgreSQL error of type 'error' occurred (code: 42601)",
    ]);
    expect(named('a missing table, callback', 'pg.query:SELECT test')[0].status.code).toBe('ERROR');

    const plan = named('a named prepared statement', 'pg.query:parity-plan test')[0];
    expect(plan.attributes['db.postgresql.plan']).toBe('parity-plan');
    const literals = named('inlined literals, lower case, a trailing semicolon', 'pg.query:SELECT test')[0];
    expect(literals.attributes['db.query.text']).toBe('  select ? AS email, ? AS card;');
    expect(named('a query with no arguments at all', 'pg.query')[0].status.code).toBe('ERROR');
    expect(named('no server to connect to', 'pg.connect')[0].attributes).toMatchObject({
      'db.namespace': 'nowhere',
      'server.port': 1,
    });
    expect(named('a pool with no server behind it', 'pg-pool.connect')[0].status.code).toBe('ERROR');
  });
});

describeWithServices(['postgres'])('an ESM app importing pg/lib/client.js itself', () => {
  it('gets the same spans from both instrumentations, and its import does not fail', async () => {
    const lean = normalise(await spansOf('pg-client-file.mjs', 'lean'));
    const upstream = normalise(await spansOf('pg-client-file.mjs', 'upstream'));
    expect(lean).toEqual(upstream);
    expect(lean.map((s) => `${s.parent}>${s.name}`).sort()).toEqual([
      'client-file>pg.connect',
      'client-file>pg.query:SELECT test',
      'root>client-file',
    ]);
  }, 30_000);
});

describeWithServices(['postgres'])('a frozen query config with its own callback', () => {
  // pg accepts it (it copies configs), but an instrumentation cannot put its wrapper in: upstream's throws a
  // TypeError out of client.query, so here the two must differ. Ours leaves the app's callback as it is.
  it("never breaks the app with ours, where upstream's throws", async () => {
    const run = (mode: 'lean' | 'upstream') =>
      withReceiver((receiver) =>
        receiver.runFixture(fixture('pg-frozen-config.js'), {
          OTEL_BOOTSTRAP_PG: mode,
          PG_URL: serviceUrl('postgres'),
        }),
      );
    expect(await run('lean')).toMatchObject({ code: 0, stdout: 'done 8\n', stderr: '' });
    const upstream = await run('upstream');
    expect([upstream.code, upstream.stderr]).toEqual([
      1,
      expect.stringContaining("TypeError: Cannot assign to read only property 'callback'"),
    ]);
  }, 30_000);
});
