import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

// The demo's deployment files agree with its code: compose runs scripts that exist with settings the code reads,
// the Dockerfile copies what exists, and every strategy in jaeger/sampling-strategies.json names a service of the
// demo and a route that service really serves.
const repo = join(__dirname, '../../..');
const demo = join(repo, 'packages/demo');
// Parsed YAML is untyped: the tests below are what checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = Record<string, any>;
const compose = parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), { merge: true }) as Yaml;
const demoServices = Object.entries(compose.services as Yaml).filter(
  ([, service]) => service.build?.dockerfile === 'packages/demo/Dockerfile',
);

interface DemoApp {
  listen(...args: unknown[]): unknown;
}
interface DemoModule {
  ROUTES: string[];
  createApp?: (deps: unknown) => DemoApp;
}
const demoModule = (service: string) => require(join(demo, 'src', `${service}.js`)) as DemoModule;

describe('docker-compose.yml and packages/demo', () => {
  it('runs the demo services, each with a script that exists', () => {
    expect(demoServices.map(([name]) => name).sort()).toEqual(
      ['api-gateway', 'load-generator', 'notification', 'orders', 'payment-worker', 'users'].sort(),
    );
    for (const [name, service] of demoServices) {
      expect([name, existsSync(join(demo, service.command.at(-1)))]).toEqual([name, true]);
    }
  });

  it('sets only variables the demo reads (lib/settings.js) or the bootstrap reads (OTEL_*)', () => {
    const settings = readFileSync(join(demo, 'src/lib/settings.js'), 'utf8');
    for (const [name, service] of demoServices) {
      for (const key of Object.keys(service.environment)) {
        if (key.startsWith('OTEL_')) continue;
        expect([name, key, settings.includes(`'${key}'`) || settings.includes(`env.${key}`)]).toEqual([
          name,
          key,
          true,
        ]);
      }
    }
  });
});

describe('packages/demo/Dockerfile', () => {
  const dockerfile = readFileSync(join(demo, 'Dockerfile'), 'utf8');

  it('builds on pinned base images', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:\d+\.\d+\.\d+-alpine/);
  });

  it('copies only paths that exist, relative to the repository root it is built from', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect([source, existsSync(join(repo, source))]).toEqual([source, true]);
  });

  it('starts a script that exists under the bootstrap, from the demo folder', () => {
    expect(dockerfile).toMatch(/^WORKDIR \/app\/packages\/demo$/m);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd.slice(0, 3)).toEqual(['node', '--require', '@org/otel-bootstrap']);
    expect(existsSync(join(demo, cmd[3]))).toBe(true);
  });
});

describe('jaeger/sampling-strategies.json and the demo', () => {
  const strategies = JSON.parse(readFileSync(join(repo, 'jaeger/sampling-strategies.json'), 'utf8'));
  const operations: [string, string][] = strategies.service_strategies.flatMap(
    (s: { service: string; operation_strategies?: { operation: string }[] }) =>
      (s.operation_strategies ?? []).map((o) => [s.service, o.operation]),
  );

  it('names only demo services, and operations among the routes each one declares', () => {
    expect(operations.length).toBeGreaterThan(4);
    for (const [service, operation] of operations) {
      expect(demoServices.map(([name]) => name)).toContain(service);
      expect([service, demoModule(service).ROUTES]).toEqual([service, expect.arrayContaining([operation])]);
    }
  });

  // A declared route must really be served: each app answers it with something other than its not-found 404.
  // The dependencies all fail, so a served route answers 500 (or 400 for a body it rejects).
  const failing = () => Promise.reject(new Error('no backend in this test'));
  const deps = { pg: { query: failing }, redis: { set: failing, del: failing }, channel: { publish: () => true } };
  const served = ['api-gateway', 'users', 'orders', 'notification'].flatMap((service) =>
    demoModule(service).ROUTES.map((route) => [service, route] as const),
  );

  it.each(served)('%s serves %s', async (service, route) => {
    const app = demoModule(service).createApp?.(deps) as DemoApp & { close?: () => void };
    const server = await listen(app);
    try {
      const [method, path] = route.split(' ');
      const url = `http://127.0.0.1:${server.port}${path.replace(':id', '1')}`;
      const body = method === 'POST' ? JSON.stringify({ userId: 1, amount: 5 }) : undefined;
      // The gateway's upstreams point nowhere, so its routes fail with 502.
      const response = await fetch(url, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
      const text = await response.text();
      expect([route, response.status, text]).not.toEqual([route, 404, expect.stringMatching(/not found|Cannot/i)]);
    } finally {
      await server.close();
    }
  });
});

/** Starts an express app or a fastify instance on a free port. */
async function listen(app: DemoApp): Promise<{ port: number; close: () => Promise<void> }> {
  const fastify = app as unknown as { server?: import('node:http').Server; close?: () => Promise<void> };
  if (typeof fastify.close === 'function' && 'server' in app) {
    await (app.listen as (options: object) => Promise<string>)({ port: 0, host: '127.0.0.1' });
    const port = (fastify.server?.address() as AddressInfo).port;
    return { port, close: () => fastify.close?.() ?? Promise.resolve() };
  }
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s)) as import('node:http').Server;
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
