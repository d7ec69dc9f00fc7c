import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Yaml } from './repo-files';
import {
  demoNames,
  hostPort,
  load,
  profilesOf,
  readJson,
  repo,
  repoFileFor,
  services,
  withDefaults,
} from './repo-files';

describe('the jaeger service', () => {
  const jaeger = services.jaeger;

  it('publishes the UI, both OTLP ports and remote sampling', () => {
    const ports = (jaeger.ports as string[]).map((p) => p.split(':')[0]);
    expect(ports).toEqual(expect.arrayContaining(['16686', '4317', '4318', '5778']));
  });

  it('health-checks Jaeger with BusyBox wget on the healthcheckv2 port', () => {
    expect(jaeger.healthcheck.test.join(' ')).toContain('http://localhost:13133/status');
  });

  it('picks its config from the mounted ./jaeger folder with JAEGER_CONFIG, config.yaml by default', () => {
    const configPath = jaeger.command[jaeger.command.indexOf('--config') + 1];
    expect(configPath).toContain('${JAEGER_CONFIG:-config.yaml}');
    expect(jaeger.volumes).toContain('./jaeger:/etc/jaeger:ro');
    expect(repoFileFor('jaeger', withDefaults(configPath))).toBe('jaeger/config.yaml');
    expect(existsSync(join(repo, 'jaeger/config-badger.yaml'))).toBe(true);
  });

  it('names only files that the ./jaeger mount provides, in every Jaeger config', () => {
    for (const [service, file] of [
      ['jaeger', 'jaeger/config.yaml'],
      ['jaeger', 'jaeger/config-badger.yaml'],
      ['jaeger-opensearch', 'jaeger/config-opensearch.yaml'],
    ]) {
      const { extensions } = load(file);
      const paths = [extensions.remote_sampling?.file.path, extensions.jaeger_query.ui?.config_file];
      for (const path of paths.filter(Boolean)) {
        expect(existsSync(join(repo, repoFileFor(service, path) ?? 'missing'))).toBe(true);
      }
    }
    expect(services['jaeger-opensearch'].command).toEqual(['--config', '/etc/jaeger/config-opensearch.yaml']);
  });
});

describe('the Jaeger configs', () => {
  const jaegerConfigs = ['jaeger/config.yaml', 'jaeger/config-badger.yaml', 'jaeger/config-opensearch.yaml'];

  it.each(jaegerConfigs)('%s stores and queries traces in defined storages of one type each', (file) => {
    const { extensions, exporters } = load(file);
    const { backends, metric_backends: metricBackends = {} } = extensions.jaeger_storage;
    const { traces, metrics } = extensions.jaeger_query.storage;
    expect(backends).toHaveProperty([traces]);
    expect(exporters.jaeger_storage_exporter.trace_storage).toBe(traces);
    if (metrics !== undefined) expect(metricBackends).toHaveProperty([metrics]);
    expect(extensions.jaeger_query).not.toHaveProperty('metrics_storage'); // the docs' key, which Jaeger ignores
    for (const backend of [...Object.values(backends), ...Object.values(metricBackends)] as Yaml[]) {
      expect(Object.keys(backend)).toHaveLength(1);
    }
  });

  it('caps the in-memory store of the default config', () => {
    const { extensions } = load('jaeger/config.yaml');
    const backend = extensions.jaeger_storage.backends[extensions.jaeger_query.storage.traces];
    expect(backend.memory.max_traces).toBeGreaterThan(0);
  });

  it.each(['jaeger/config.yaml', 'jaeger/config-badger.yaml'])(
    '%s feeds the Monitor tab: spanmetrics to a prometheus exporter that Prometheus scrapes and Jaeger queries',
    (file) => {
      const { extensions, exporters, service } = load(file);
      expect(service.pipelines.traces.exporters).toContain('spanmetrics');
      const metricsStore = extensions.jaeger_storage.metric_backends[extensions.jaeger_query.storage.metrics];
      expect(metricsStore.prometheus).toMatchObject({
        endpoint: 'http://prometheus:9090',
        normalize_calls: true,
        normalize_duration: true,
      });
      const scraped = load('prometheus/prometheus.yml').scrape_configs.flatMap((job: Yaml) =>
        job.static_configs.flatMap((group: Yaml) => group.targets),
      );
      expect(scraped).toContain(`jaeger:${hostPort(exporters.prometheus.endpoint).port}`);
    },
  );

  it('keeps Badger data on the named volume, past restarts, for a limited time', () => {
    const { extensions } = load('jaeger/config-badger.yaml');
    const { badger } = extensions.jaeger_storage.backends[extensions.jaeger_query.storage.traces];
    expect(badger.ephemeral).toBe(false);
    expect(badger.ttl.spans).toMatch(/^[1-9]\d*(h|m)$/);
    const mount = (services.jaeger.volumes as string[]).find((v) => v.startsWith('jaeger-badger:'));
    const target = String(mount).split(':')[1];
    for (const dir of [badger.directories.keys, badger.directories.values]) {
      expect([dir, String(dir).startsWith(`${target}/`)]).toEqual([dir, true]);
    }
  });

  it('stores the production profile in the opensearch service, on a single node', () => {
    const { extensions } = load('jaeger/config-opensearch.yaml');
    const { opensearch } = extensions.jaeger_storage.backends[extensions.jaeger_query.storage.traces];
    expect(opensearch.server_urls).toEqual(['http://opensearch:9200']);
    expect(profilesOf('opensearch')).toEqual(['production']);
    for (const index of Object.values(opensearch.indices).filter((v) => typeof v === 'object') as Yaml[]) {
      expect(index.replicas).toBe(0);
    }
  });

  it('turns on the dependency graph and the Monitor tab in the UI config', () => {
    const ui = readJson('jaeger/ui-config.json');
    expect(ui.dependencies.menuEnabled).toBe(true);
    expect(ui.monitor.menuEnabled).toBe(true);
    // The UI replaces its default `monitor` object rather than merging into it, so ours brings an empty state.
    expect(ui.monitor.emptyState.mainTitle).toEqual(expect.any(String));
  });
});

describe('jaeger/sampling-strategies.json', () => {
  const strategies = readJson('jaeger/sampling-strategies.json');
  const isStrategy = (s: { type: string; param: number }) =>
    (s.type === 'probabilistic' && s.param >= 0 && s.param <= 1) || (s.type === 'ratelimiting' && s.param >= 0);

  it("is in Jaeger's file format, with per-operation strategies that are probabilistic", () => {
    expect(isStrategy(strategies.default_strategy)).toBe(true);
    for (const service of strategies.service_strategies) {
      expect(typeof service.service).toBe('string');
      expect(isStrategy(service)).toBe(true);
      for (const operation of service.operation_strategies ?? []) {
        expect(operation.type).toBe('probabilistic');
        expect(operation.operation).toMatch(/^[A-Z]+ \/\S*$/); // "METHOD /path", matched at span start
        expect(isStrategy(operation)).toBe(true);
      }
    }
  });

  it('names demo services and literal paths, since the sampler compares url.path as it is at span start', () => {
    for (const service of strategies.service_strategies) {
      expect(demoNames).toContain(service.service);
      for (const { operation } of service.operation_strategies ?? []) expect(operation).not.toMatch(/[:*{}]/);
    }
  });

  it('keeps every POST /orders and no health check', () => {
    const operations: { operation: string; param: number }[] = strategies.service_strategies.flatMap(
      (s: Yaml) => s.operation_strategies,
    );
    const params = (name: string) => operations.filter((o) => o.operation === name).map((o) => o.param);
    expect(params('POST /orders')).toEqual([1, 1]);
    expect(params('GET /health').length).toBe(strategies.service_strategies.length);
    expect(new Set(params('GET /health'))).toEqual(new Set([0]));
  });
});
