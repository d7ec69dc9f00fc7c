import { describeWithServices, serviceUrl, treeShape, useReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

describeWithServices(['postgres']).each([['pg-app.js'], ['pg-app.mjs']])('pg on real PostgreSQL (%s)', (script) => {
  const receiver = useReceiver();
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    const exit = await receiver.runFixture(fixture(script), { PG_URL: serviceUrl('postgres') });
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    spans = receiver.spans;
  });

  const queries = () => spans.filter((s) => s.name.startsWith('pg.query'));

  it('nests Pool and Client spans under the active span', () => {
    // fixture-app: pg-scenario [INTERNAL]
    // ├── pg-pool.connect [CLIENT]
    // │   └── pg.connect [CLIENT]
    // ├── pg.query:SELECT test [CLIENT]       pool.query with $1
    // ├── pg.connect [CLIENT]                 new Client().connect()
    // ├── pg.query:CREATE / INSERT (inlined literals)
    // ├── pg.query:BEGIN / INSERT ($1, $2) / COMMIT
    // └── pg.query:SELECT test [CLIENT] ! ERROR
    expect(treeShape(spans)).toBe(
      [
        'fixture-app: pg-scenario [INTERNAL]',
        '├── fixture-app: pg-pool.connect [CLIENT]',
        '│   └── fixture-app: pg.connect [CLIENT]',
        '├── fixture-app: pg.query:SELECT test [CLIENT]',
        '├── fixture-app: pg.connect [CLIENT]',
        '├── fixture-app: pg.query:CREATE test [CLIENT]',
        '├── fixture-app: pg.query:INSERT test [CLIENT]',
        '├── fixture-app: pg.query:BEGIN test [CLIENT]',
        '├── fixture-app: pg.query:INSERT test [CLIENT]',
        '├── fixture-app: pg.query:COMMIT test [CLIENT]',
        '└── fixture-app: pg.query:SELECT test [CLIENT]',
      ].join('\n'),
    );
  });

  it('carries the current database semantic conventions', () => {
    for (const span of queries()) {
      expect(span.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.namespace': 'test',
        'server.address': '127.0.0.1',
        'server.port': 5432,
      });
    }
    expect(queries().map((s) => s.attributes['db.query.text'])).toEqual([
      'SELECT $1::int AS n',
      'CREATE TEMP TABLE accounts (id serial PRIMARY KEY, email text NOT NULL, number bigint NOT NULL)',
      'INSERT INTO accounts (email, number) VALUES (?, ?)',
      'BEGIN',
      'INSERT INTO accounts (email, number) VALUES ($1, $2)',
      'COMMIT',
      'SELECT * FROM no_such_table',
    ]);
  });

  it('never exports a literal the app inlined, nor a bound parameter value', () => {
    const wire = receiver.requests.map((r) => r.body.toString('latin1')).join('\n');
    for (const secret of ['alice@example.com', '4111111111111111', 'bob@example.com']) {
      expect(wire).not.toContain(secret);
    }
  });

  it('marks a failing query ERROR with an exception event', () => {
    const failed = queries().at(-1);
    expect(failed?.status).toEqual({ code: 'ERROR', message: 'relation "no_such_table" does not exist' });
    expect(failed?.events.map((e) => e.name)).toEqual(['exception']);
    expect(
      queries()
        .slice(0, -1)
        .every((s) => s.status.code === 'UNSET'),
    ).toBe(true);
  });
});
