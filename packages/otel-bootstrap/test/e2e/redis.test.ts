import { buildTrees, describeWithServices, serviceUrl, useReceiver } from '@org/otel-testing';
import type { ReceivedSpan, SpanNode } from '@org/otel-testing';
import { fixture } from '../helpers/http';

describeWithServices(['redis']).each([['redis-app.js'], ['redis-app.mjs']])(
  'Redis clients on real Redis (%s)',
  (script) => {
    const receiver = useReceiver();
    let roots: SpanNode[] = [];

    beforeAll(async () => {
      const exit = await receiver.runFixture(fixture(script), { REDIS_URL: serviceUrl('redis') });
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      roots = buildTrees(receiver.spans);
    });

    /** The command spans under one scenario's root span, handshake commands left out. */
    function commands(root: string): ReceivedSpan[] {
      const node = roots.find((r) => r.span.name === `${root}-scenario`);
      expect(node).toBeDefined();
      return (node?.children ?? []).map((c) => c.span).filter((s) => !/connect|^client$|^info$|^quit$/.test(s.name));
    }

    // <client>-scenario [INTERNAL]
    // ├── SET / GET                 single commands
    // ├── SET / GET                 pipeline
    // ├── (MULTI) SET / GET (EXEC)  transaction
    // └── INCR ! ERROR              failing command
    it.each([
      [
        'ioredis',
        [
          'SET otb:ioredis:user [1 other arguments]',
          'GET otb:ioredis:user',
          'SET otb:ioredis:p [1 other arguments]',
          'GET otb:ioredis:p',
          'MULTI',
          'SET otb:ioredis:m [1 other arguments]',
          'GET otb:ioredis:m',
          'EXEC',
          'INCR otb:ioredis:user',
        ],
      ],
      ...['redis5', 'redis4'].map((name) => [
        name,
        [
          `SET otb:${name}:user [1 other arguments]`,
          `GET otb:${name}:user`,
          `SET otb:${name}:p [1 other arguments]`,
          `GET otb:${name}:p`,
          `SET otb:${name}:m [1 other arguments]`,
          `GET otb:${name}:m`,
          `INCR otb:${name}:user`,
        ],
      ]),
    ] as [string, string[]][])('%s: every command is a CLIENT span with the key and no value', (name, statements) => {
      const spans = commands(name);
      expect(spans.map((s) => s.attributes['db.query.text'])).toEqual(statements);
      for (const span of spans) {
        expect(span.kind).toBe('CLIENT');
        expect(span.attributes).toMatchObject({
          'db.system.name': 'redis',
          'server.address': '127.0.0.1',
          'server.port': 6379,
        });
      }
    });

    it.each([['ioredis'], ['redis5'], ['redis4']])('%s: a failing command is ERROR with an exception event', (name) => {
      const spans = commands(name);
      const failed = spans.at(-1);
      expect(failed?.status).toEqual({ code: 'ERROR', message: 'ERR value is not an integer or out of range' });
      expect(failed?.events.map((e) => e.name)).toEqual(['exception']);
      expect(spans.slice(0, -1).every((s) => s.status.code === 'UNSET')).toBe(true);
    });

    it('keeps each scenario in one trace', () => {
      for (const root of roots) {
        const traceIds = new Set([root, ...root.children].map((n) => n.span.traceId));
        expect(traceIds.size).toBe(1);
      }
      expect(roots.map((r) => r.span.name).sort()).toEqual(['ioredis-scenario', 'redis4-scenario', 'redis5-scenario']);
    });

    it('never exports a value written to Redis', () => {
      const wire = receiver.requests.map((r) => r.body.toString('latin1')).join('\n');
      expect(wire).toContain('otb:ioredis:user'); // keys are there...
      expect(wire).not.toContain('carol@example.com'); // ...values are not
    });
  },
);
