import * as nodeModule from 'node:module';

/** An instrumentation to create when the app first imports one of its packages. */
export interface LazyInstrumentation<Name extends string> {
  readonly name: Name;
  /** Every package whose modules it hooks, so none of them can load before it is in place. */
  readonly packages: readonly string[];
}

/**
 * Creates each instrumentation when the app first requires or imports one of its packages, instead of at startup.
 *
 * A module resolution hook (`module.registerHooks`, for `require` and `import` alike) sees the package's name before
 * Node loads anything of it, so the instrumentation's own require and import hooks are in place for that very load.
 * An app then loads, and keeps in its heap, only the instrumentations of the libraries it uses (bench/findings.md,
 * "Loading instrumentations"). The hook costs nothing we could measure, and removes itself once every
 * instrumentation is created.
 *
 * @param create creates and enables one instrumentation; it must report its own failures and never throw.
 * @returns a function that removes the hook; the instrumentations already created stay.
 */
export function createOnFirstImport<Name extends string>(
  lazy: readonly LazyInstrumentation<Name>[],
  create: (name: Name) => void,
): () => void {
  const waiting = new Map<string, Name>();
  for (const { name, packages } of lazy) for (const pkg of packages) waiting.set(pkg, name);
  if (waiting.size === 0) return () => {};
  const createNow = () => {
    for (const { name } of lazy) create(name);
    return () => {};
  };
  // Node < 22.15 has no synchronous hooks: everything is created now, as before lazy loading.
  if (typeof nodeModule.registerHooks !== 'function') return createNow();

  let hooks: { deregister(): void } | undefined;
  const stop = () => {
    hooks?.deregister();
    hooks = undefined;
  };
  const createFor = (pkg: string) => {
    const name = waiting.get(pkg)!;
    for (const [other, owner] of waiting) if (owner === name) waiting.delete(other);
    create(name);
  };
  try {
    hooks = nodeModule.registerHooks({
      resolve(specifier, context, nextResolve) {
        try {
          const pkg = packageOf(specifier);
          if (pkg !== undefined && waiting.has(pkg)) createFor(pkg);
        } catch {
          // nothing of ours may reach the app's require or import; create() reports its own failures
        }
        const resolved = nextResolve(specifier, context);
        if (waiting.size === 0) stop();
        return resolved;
      },
    });
  } catch {
    return createNow();
  }
  return stop;
}

const NODE_MODULES = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)(?=[\\/]|$)/g;

/**
 * The package a specifier names: `pg` for `pg` and `pg/lib/client.js`, `@redis/client` for `@redis/client/dist/x`;
 * for an absolute path or a file URL, the package after its last `node_modules`. Undefined for relative specifiers,
 * builtins and paths outside node_modules. (A CommonJS package required by path is also caught because
 * require-in-the-middle resolves the name of every package it sees load; an ESM import by path is not.)
 */
export function packageOf(specifier: string): string | undefined {
  const first = specifier.charCodeAt(0);
  // '.', '/', '\\' and 'file:' / 'node:' (and Windows drive letters) are not bare package names.
  if (first === 46 || first === 47 || first === 92 || specifier.includes(':')) return lastPackageIn(specifier);
  const slash = specifier.indexOf('/');
  if (first !== 64 /* @ */) return slash < 0 ? specifier : specifier.slice(0, slash);
  const second = slash < 0 ? -1 : specifier.indexOf('/', slash + 1);
  return second < 0 ? specifier : specifier.slice(0, second);
}

function lastPackageIn(path: string): string | undefined {
  let last: string | undefined;
  for (const match of path.matchAll(NODE_MODULES)) last = match[1];
  return last?.replace('\\', '/');
}
