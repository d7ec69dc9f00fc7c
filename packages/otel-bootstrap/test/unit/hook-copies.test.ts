import { resolveHookCopy, splitByHookCopy } from '../../src/instrumentation/hook-copies';

const lean = { httpServer: 'lean', pg: 'lean', amqplib: 'lean' } as const;

describe('splitByHookCopy', () => {
  it('leaves every candidate to first import when all share the copy hooked at startup (the monorepo)', () => {
    const split = splitByHookCopy(['http', 'undici'], ['express', 'pg', 'ioredis'], lean, () => 'one-copy');
    expect(split).toEqual({ atStartup: ['http', 'undici'], onImport: ['express', 'pg', 'ioredis'] });
  });

  it('creates at startup the first of each nested copy, and leaves the rest of that copy to first import', () => {
    // a user's install: contrib instrumentations nest a 0.300 copy each; ours and instrumentation-http share 0.301
    const copies: Record<string, string> = {
      own: 'top/0.301',
      '@opentelemetry/instrumentation-http': 'top/0.301',
      '@opentelemetry/instrumentation-express': 'express/0.300',
      '@opentelemetry/instrumentation-ioredis': 'ioredis/0.300',
      '@opentelemetry/instrumentation-redis': 'ioredis/0.300',
    };
    const split = splitByHookCopy(['http'], ['express', 'pg', 'ioredis', 'redis'], lean, (pkg) => copies[pkg]);
    expect(split).toEqual({ atStartup: ['http', 'express', 'ioredis'], onImport: ['pg', 'redis'] });
  });

  it('creates at startup an instrumentation whose package does not resolve, so its load failure is reported', () => {
    const split = splitByHookCopy(['http'], ['ioredis'], lean, (pkg) => (pkg.endsWith('ioredis') ? undefined : 'x'));
    expect(split).toEqual({ atStartup: ['http', 'ioredis'], onImport: [] });
  });

  it('creates the first candidate at startup when nothing else there installs the hook (http disabled)', () => {
    expect(splitByHookCopy([], ['express', 'pg'], lean, () => 'one-copy')).toEqual({
      atStartup: ['express'],
      onImport: ['pg'],
    });
  });

  it('resolves the copy a package loads, and undefined for a package that is not installed', () => {
    expect(resolveHookCopy('own')).toMatch(/@opentelemetry[\\/]instrumentation[\\/]/);
    expect(resolveHookCopy('@opentelemetry/instrumentation-express')).toMatch(
      /@opentelemetry[\\/]instrumentation[\\/]/,
    );
    expect(resolveHookCopy('@opentelemetry/instrumentation-not-a-package')).toBeUndefined();
  });
});
