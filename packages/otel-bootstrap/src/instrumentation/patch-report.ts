import type { Instrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';

/** What one module hook of one instrumentation did in this process, for `otel-bootstrap doctor`. */
export interface ModuleHookStatus {
  /** The instrumentation's scope name, e.g. `@opentelemetry/instrumentation-express`. */
  readonly instrumentation: string;
  /** The module it hooks, e.g. `express`. */
  readonly module: string;
  readonly supportedVersions: readonly string[];
  /** The version of the module the hook saw load; undefined while it has seen none. */
  readonly seenVersion: string | undefined;
  /** Whether the instrumentation patched the module (or one of its files). */
  readonly patched: boolean;
}

const hooks: { instrumentation: string; definition: InstrumentationModuleDefinition; patched: boolean }[] = [];

/**
 * Watches the module hooks of instrumentations just created, so `doctor` can tell a patched library from one the
 * hook never saw (issue 18: nothing said so when express patched nothing). Only wraps the definitions' patch
 * functions, which the instrumentation calls itself; instrumentations without module hooks (diagnostics channels)
 * are left out.
 */
export function watchPatches(instrumentations: readonly Instrumentation[]): void {
  for (const instrumentation of instrumentations) {
    for (const definition of moduleDefinitionsOf(instrumentation)) {
      const hook = { instrumentation: instrumentation.instrumentationName, definition, patched: false };
      hooks.push(hook);
      for (const target of [definition, ...definition.files]) {
        const patch = target.patch;
        if (typeof patch !== 'function') continue;
        target.patch = function (this: unknown, ...args: Parameters<typeof patch>) {
          hook.patched = true;
          return patch.apply(this, args);
        };
      }
    }
  }
}

/**
 * The definitions the hooks use: InstrumentationBase's `_modules` (getModuleDefinitions() would call init() again and
 * return new objects that nothing calls), and those of the instrumentations it holds, as instrumentation-redis
 * holds one per major version of the library.
 */
function moduleDefinitionsOf(instrumentation: object): InstrumentationModuleDefinition[] {
  const own = (target: object) => {
    const modules = (target as { _modules?: unknown })._modules;
    return Array.isArray(modules) ? (modules as InstrumentationModuleDefinition[]) : [];
  };
  const held = Object.values(instrumentation).filter(
    (value): value is object => typeof value === 'object' && value !== null && '_modules' in value,
  );
  return [...own(instrumentation), ...held.flatMap(own)];
}

/** Every module hook watched so far and what it did. */
export function moduleHookStatus(): ModuleHookStatus[] {
  return hooks.map(({ instrumentation, definition, patched }) => ({
    instrumentation,
    module: definition.name,
    supportedVersions: definition.supportedVersions,
    seenVersion: definition.moduleVersion,
    patched,
  }));
}
