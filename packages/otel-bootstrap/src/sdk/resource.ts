import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import type { Resource, ResourceDetector } from '@opentelemetry/resources';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import type { ResourceConfig } from '../config/read-config';

/** What the app says about itself in its own package.json. */
interface AppPackage {
  readonly name?: string;
  readonly version?: string;
}

const DETECTORS: Readonly<Record<string, ResourceDetector>> = {
  host: hostDetector,
  os: osDetector,
  process: processDetector,
  serviceinstance: serviceInstanceIdDetector,
  container: containerDetector,
};

/**
 * Resource attributes, lowest priority first: the app's package.json, then OTEL_RESOURCE_ATTRIBUTES, then
 * OTEL_SERVICE_NAME. They are handed to the SDK as its highest-priority attributes, so detectors cannot override
 * them.
 */
export function resourceAttributes(
  config: ResourceConfig,
  mainScript: string | undefined = process.argv[1],
): Record<string, string> {
  const app = findAppPackage(mainScript);
  const fromEnv = config.detectors.includes('env') || config.detectors.includes('all');
  const attributes: Record<string, string> = {};
  if (app?.version) attributes['service.version'] = app.version;
  if (config.environment) attributes['deployment.environment.name'] = config.environment;
  Object.assign(attributes, fromEnv ? config.attributes : {});
  attributes['service.name'] =
    config.serviceName ??
    (fromEnv ? config.attributes['service.name'] : undefined) ??
    app?.name ??
    scriptName(mainScript);
  return attributes;
}

/**
 * The one Resource of traces, metrics and logs, built once: SDK defaults, then the detectors, then
 * OTEL_RESOURCE_ATTRIBUTES, then `attributes` (from {@link resourceAttributes}), the highest priority. The same
 * object for all three signals, so a span, a metric point and a log record of the app always agree on who sent them.
 */
export function createResource(config: ResourceConfig, attributes: Readonly<Record<string, string>>): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: resourceDetectors(config) }))
    .merge(resourceFromAttributes(config.attributes))
    .merge(resourceFromAttributes(attributes));
}

/** The detectors named in OTEL_NODE_RESOURCE_DETECTORS. None of them probes the network. */
export function resourceDetectors(config: ResourceConfig): ResourceDetector[] {
  const names = config.detectors.includes('all') ? Object.keys(DETECTORS) : config.detectors;
  return names.flatMap((name) => (DETECTORS[name] ? [DETECTORS[name]] : []));
}

/** The nearest named package.json above the main script, then above the working directory. */
export function findAppPackage(mainScript: string | undefined): AppPackage | undefined {
  const starts = [mainScript ? dirname(resolve(mainScript)) : undefined, process.cwd()];
  for (const start of starts) {
    if (!start) continue;
    const found = nearestNamedPackage(start);
    if (found) return found;
  }
  return undefined;
}

function nearestNamedPackage(start: string): AppPackage | undefined {
  let dir = start;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as AppPackage;
        if (typeof pkg.name === 'string' && pkg.name !== '') {
          return { name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : undefined };
        }
      } catch {
        // An unreadable package.json says nothing about the app; keep looking above it.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Last resort, so that a service is never `unknown_service:node`: the main script's name, e.g. "server". */
function scriptName(mainScript: string | undefined): string {
  if (!mainScript) return 'node';
  return basename(mainScript).replace(/\.(c|m)?(j|t)s$/, '') || 'node';
}
