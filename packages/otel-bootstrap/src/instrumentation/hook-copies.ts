import { dirname } from 'node:path';
import type { InstrumentationConfig, InstrumentationName } from '../config/read-config';

/** Which of an instrumentation's packages hold its hooks; `own` is this package's code. */
type HookOptions = Pick<InstrumentationConfig, 'httpServer' | 'pg' | 'amqplib'>;

const OWN = 'own';

/** The packages whose instrumentation classes each name creates (instrumentations.ts). */
const PACKAGES: Readonly<Record<InstrumentationName, (options: HookOptions) => readonly string[]>> = {
  http: ({ httpServer }) => ['@opentelemetry/instrumentation-http', ...(httpServer === 'lean' ? [OWN] : [])],
  undici: () => ['@opentelemetry/instrumentation-undici'],
  express: () => ['@opentelemetry/instrumentation-express'],
  fastify: () => [], // listens to fastify's diagnostics channels: no require hook
  pg: ({ pg }) => [pg === 'lean' ? OWN : '@opentelemetry/instrumentation-pg'],
  ioredis: () => ['@opentelemetry/instrumentation-ioredis'],
  redis: () => ['@opentelemetry/instrumentation-redis'],
  amqplib: ({ amqplib }) => [amqplib === 'lean' ? OWN : '@opentelemetry/instrumentation-amqplib'],
  pino: () => ['@opentelemetry/instrumentation-pino'],
  winston: () => ['@opentelemetry/instrumentation-winston'],
};

/**
 * Splits the instrumentations that could wait for the app's first import of their library into those that can and
 * those that must be created at startup.
 *
 * One created on first import is created while Node is already inside the app's `require('express')`. Its
 * require-in-the-middle hook sees that very load only if the hook of its own `@opentelemetry/instrumentation` copy
 * was installed before, by an instrumentation created at startup. In a user's install (no root `overrides`), the
 * contrib instrumentations pin `^0.300` while instrumentation-http pins 0.301, so npm nests a copy under each: created
 * on first import, express and ioredis patched nothing and said nothing (issue 18). Those go to startup instead, the
 * first of each copy installing its hook for the rest.
 *
 * @param atStartup the instrumentations created at startup anyway
 * @param candidates the instrumentations that could be created on first import, in order
 * @param copyOf the file of the `@opentelemetry/instrumentation` copy a package resolves; undefined if it cannot
 */
export function splitByHookCopy(
  atStartup: readonly InstrumentationName[],
  candidates: readonly InstrumentationName[],
  options: HookOptions,
  copyOf: (pkg: string) => string | undefined = resolveHookCopy,
): { readonly atStartup: InstrumentationName[]; readonly onImport: InstrumentationName[] } {
  const copiesOf = (name: InstrumentationName) => PACKAGES[name](options).map(copyOf);
  const installed = new Set(atStartup.flatMap(copiesOf));
  const split = { atStartup: [...atStartup], onImport: [] as InstrumentationName[] };
  for (const name of candidates) {
    const copies = copiesOf(name);
    if (copies.every((copy) => copy !== undefined && installed.has(copy))) {
      split.onImport.push(name);
    } else {
      split.atStartup.push(name);
      for (const copy of copies) installed.add(copy);
    }
  }
  return split;
}

/** The `@opentelemetry/instrumentation` file that a package (or this one, for `own`) loads. */
export function resolveHookCopy(pkg: string): string | undefined {
  try {
    if (pkg === OWN) return require.resolve('@opentelemetry/instrumentation');
    return require.resolve('@opentelemetry/instrumentation', { paths: [dirname(require.resolve(pkg))] });
  } catch {
    return undefined;
  }
}
