import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

// There is no container engine on the build machines, so the compose file and the Jaeger, collector and
// Prometheus configs are tested as files. These helpers read and parse them for the tests in this folder.
export const repo = join(__dirname, '../..');
// Parsed YAML is untyped: the tests are what checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = Record<string, any>;
// Compose honours `<<` merge keys (the demo services share x-demo); YAML 1.2 parsers need them switched on.
export const load = (file: string) => parse(readFileSync(join(repo, file), 'utf8'), { merge: true }) as Yaml;
export const readJson = (file: string) => JSON.parse(readFileSync(join(repo, file), 'utf8'));

/** Resolves compose interpolation (`${VAR:-default}`, `${VAR-default}`, `${VAR}`) as if no variable were set. */
export const withDefaults = (value: string) =>
  value.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
/** Host and port of `host:port` or a URL. */
export const hostPort = (endpoint: string) => {
  const { hostname, port } = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  return { host: hostname, port: Number(port) };
};
/** The type of a component id: `otlp` for `otlp/jaeger`. */
export const typeOf = (componentId: string) => componentId.split('/')[0];

export const compose = load('docker-compose.yml');
export const services = compose.services as Record<string, Yaml>;
export const profilesOf = (name: string): string[] => services[name].profiles ?? [];
const isDemo = (service: Yaml) => service.build?.dockerfile === 'packages/demo/Dockerfile';
export const demoNames = Object.keys(services).filter((name) => isDemo(services[name]));

/** Maps a path inside a service's container to the repo file behind a `./src:/target` volume, if any. */
export function repoFileFor(serviceName: string, containerPath: string): string | undefined {
  for (const volume of services[serviceName].volumes ?? []) {
    const [source, target] = String(volume).split(':');
    if (!source.startsWith('./')) continue;
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) return posix.join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

/** The logs overlays in jaeger/logs/, which docker-compose.yml merges over the main Jaeger config (JAEGER_LOGS). */
export const jaegerLogsOverlays = readdirSync(join(repo, 'jaeger/logs'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `jaeger/logs/${f}`)
  .sort();

/**
 * What the collector runs when given several --config files: confmap merges them in order, maps key by key, and a
 * later list or scalar replaces an earlier one (core v0.155.0: confmap/resolver.go Resolve, confmap/internal/conf.go
 * Merge, which is koanf's unless the merge-append feature gate is on).
 */
export function mergeConfigs(...configs: Yaml[]): Yaml {
  const merge = (into: Yaml, from: Yaml): Yaml => {
    const out: Yaml = { ...into };
    for (const [key, value] of Object.entries(from)) {
      const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
      out[key] = isMap(value) && isMap(out[key]) ? merge(out[key], value) : value;
    }
    return out;
  };
  return configs.reduce(merge, {});
}

/** A config file, or several joined by ` + ` and merged as the collector merges repeated --config flags. */
export const loadMerged = (files: string) => mergeConfigs(...files.split(' + ').map(load));
