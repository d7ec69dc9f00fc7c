import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { InstrumentationName } from '../../src/config/read-config';
import { createInstrumentations, LOADED_ON_IMPORT_OF } from '../../src/instrumentation/factories';
import { packageOf } from '../../src/instrumentation/on-first-import';

describe('packageOf', () => {
  it.each([
    ['pg', 'pg'],
    ['pg/lib/client.js', 'pg'],
    ['@redis/client', '@redis/client'],
    ['@redis/client/dist/lib/client/index.js', '@redis/client'],
    ['/app/node_modules/ioredis', 'ioredis'],
    ['/app/node_modules/ioredis/built/index.js', 'ioredis'],
    ['/app/node_modules/.pnpm/pg@8.16.0/node_modules/pg/lib/index.js', 'pg'],
    ['file:///app/node_modules/@redis/client/dist/index.js', '@redis/client'],
    ['C:\\app\\node_modules\\amqplib\\lib\\channel_model.js', 'amqplib'],
    ['./node_modules/pg', 'pg'],
  ])('%s names the package %s', (specifier, name) => {
    expect(packageOf(specifier)).toBe(name);
  });

  it.each([['./client'], ['../lib/x.js'], ['/app/src/index.js'], ['node:http'], ['file:///app/main.mjs']])(
    '%s names no package',
    (specifier) => {
      expect(packageOf(specifier)).toBeUndefined();
    },
  );
});

describe('LOADED_ON_IMPORT_OF', () => {
  const lazyNames = Object.keys(LOADED_ON_IMPORT_OF) as InstrumentationName[];

  // An instrumentation created after one of the modules it hooks has loaded would miss that module for good.
  const cases = [
    ...lazyNames.map((name) => [name, 'lean'] as const),
    ['pg', 'upstream'] as const,
    ['amqplib', 'upstream'] as const,
  ];
  it.each(cases)('names every module %s hooks (pg and amqplib instrumentations: %s)', (name, mode) => {
    const created = createInstrumentations(
      [name],
      { traceResponse: false, httpServer: 'lean', pg: mode, amqplib: mode, logSending: true, recordMetrics: true },
      (_, error) => {
        throw error;
      },
    ) as InstrumentationBase[];
    try {
      expect(created.length).toBeGreaterThan(0);
      const hooked = created.flatMap((instrumentation) =>
        instrumentation
          .getModuleDefinitions()
          .flatMap((definition) => [definition.name, ...definition.files.map((file) => packageOf(file.name))]),
      );
      for (const module of hooked) expect(LOADED_ON_IMPORT_OF[name]).toContain(module);
    } finally {
      for (const instrumentation of created) instrumentation.disable();
    }
  });

  it('leaves http and undici to startup, since core modules and the global fetch need no import to be used', () => {
    expect(lazyNames).not.toContain('http');
    expect(lazyNames).not.toContain('undici');
  });
});
