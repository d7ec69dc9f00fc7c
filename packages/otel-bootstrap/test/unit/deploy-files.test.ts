import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

// There is no container engine on the build machines, so the compose file and the Jaeger, collector and
// Prometheus configs are tested as files.
const repo = join(__dirname, '../../../..');
// Parsed YAML is untyped: the tests below are what checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = Record<string, any>;
// Compose honours `<<` merge keys (the demo services share x-demo); YAML 1.2 parsers need them switched on.
const load = (file: string) => parse(readFileSync(join(repo, file), 'utf8'), { merge: true }) as Yaml;
const readJson = (file: string) => JSON.parse(readFileSync(join(repo, file), 'utf8'));

/** Resolves compose interpolation (`${VAR:-default}`, `${VAR-default}`, `${VAR}`) as if no variable were set. */
const withDefaults = (value: string) =>
  value.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
/** Host and port of `host:port` or a URL. */
const hostPort = (endpoint: string) => {
  const { hostname, port } = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  return { host: hostname, port: Number(port) };
};
const typeOf = (componentId: string) => componentId.split('/')[0];

const compose = load('docker-compose.yml');
const services = compose.services as Record<string, Yaml>;
const profilesOf = (name: string): string[] => services[name].profiles ?? [];
const isDemo = (service: Yaml) => service.build?.dockerfile === 'packages/demo/Dockerfile';
const demoNames = Object.keys(services).filter((name) => isDemo(services[name]));

/** Maps a path inside a service's container to the repo file behind a `./src:/target` volume, if any. */
function repoFileFor(serviceName: string, containerPath: string): string | undefined {
  for (const volume of services[serviceName].volumes ?? []) {
    const [source, target] = String(volume).split(':');
    if (!source.startsWith('./')) continue;
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) return posix.join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  it('pins every image to a version, never latest, and builds the rest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image === undefined) {
        // Built images are pinned by their Dockerfile's FROM lines.
        const context = String(service.build?.context);
        const dockerfile = readFileSync(join(repo, context, service.build?.dockerfile ?? 'Dockerfile'), 'utf8');
        const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
        expect(bases.length).toBeGreaterThan(0);
        for (const base of bases)
          expect([name, base]).toEqual([name, expect.stringMatching(/:v?\d+\.\d+\.\d+(-[\w.]+)?$/)]);
        continue;
      }
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:v?\d+\.\d+(\.\d+)?(-[\w.]+)?$/)]);
    }
  });

  it('runs a pinned Jaeger v2 image, 2.20.0 or later, for both Jaeger services', () => {
    for (const name of ['jaeger', 'jaeger-opensearch']) {
      const version = /^cr\.jaegertracing\.io\/jaegertracing\/jaeger:(\d+)\.(\d+)\.(\d+)$/.exec(services[name].image);
      expect(version).not.toBeNull();
      const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
      expect(major > 2 || (major === 2 && minor >= 20)).toBe(true);
    }
  });

  it('health-checks every service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.healthcheck?.test?.[0]]).toEqual([name, 'CMD']);
      expect(service.healthcheck.test.length).toBeGreaterThan(2);
      expect(service.healthcheck.disable).toBeUndefined();
    }
  });

  it('checks the collectors through the BusyBox their image adds, on the health_check extension', () => {
    const dockerfile = readFileSync(join(repo, 'otel-collector/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM otel\/opentelemetry-collector-contrib:\S+$/m);
    expect(dockerfile).toContain('COPY --from=probe /bin/busybox /busybox');
    for (const name of ['otel-gateway', 'otel-tail-sampler']) {
      const service = services[name];
      expect(service.build.context).toBe('./otel-collector');
      expect(service.healthcheck.test.slice(0, 3)).toEqual(['CMD', '/busybox', 'wget']);
      const config = load(repoFileFor(name, service.command.at(-1)) ?? 'missing');
      expect(config.service.extensions).toContain('health_check');
      const port = config.extensions.health_check.endpoint.split(':')[1];
      expect(service.healthcheck.test.at(-1)).toBe(`http://localhost:${port}/`);
    }
  });

  it('starts a service only after what it depends on is healthy, in a profile that runs both', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, dependency] of Object.entries((service.depends_on ?? {}) as Yaml)) {
        expect([name, target, dependency.condition]).toEqual([name, target, 'service_healthy']);
        expect(services[target]?.healthcheck?.test).toBeDefined();
        // A service without profiles always runs, so it may depend only on services that always run.
        const targetProfiles = profilesOf(target);
        if (targetProfiles.length > 0) expect(profilesOf(name)).toEqual(expect.arrayContaining(targetProfiles));
      }
    }
  });

  it('mounts only repo paths that exist, and declares every named volume', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = String(volume).split(':');
        if (source.startsWith('./')) expect([name, existsSync(join(repo, source))]).toEqual([name, true]);
        else if (!source.startsWith('/')) expect(compose.volumes).toHaveProperty([source]);
      }
    }
  });

  it('publishes no host port twice', () => {
    const hostPorts = Object.values(services).flatMap((service) =>
      ((service.ports ?? []) as string[]).flatMap((p) => {
        const parts = String(p)
          .replace(/\/(tcp|udp)$/, '')
          .split(':');
        return parts.length > 1 ? [parts[parts.length - 2]] : [];
      }),
    );
    expect(hostPorts.length).toBeGreaterThan(10);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('runs Jaeger, the backing services and the demo by default, and the rest only under a profile', () => {
    const byProfile = (profile?: string) =>
      Object.keys(services)
        .filter((name) => (profile ? profilesOf(name).includes(profile) : profilesOf(name).length === 0))
        .sort();
    expect(byProfile()).toEqual(['jaeger', 'postgres', 'redis', 'rabbitmq', ...demoNames].sort());
    expect(byProfile('spm')).toEqual(['prometheus']);
    expect(byProfile('production')).toEqual(['jaeger-opensearch', 'opensearch', 'otel-gateway', 'otel-tail-sampler']);
  });
});

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

describe('the demo services', () => {
  const routes: Record<string, number> = {
    'api-gateway': 8080,
    users: 8081,
    orders: 8082,
    'payment-worker': 8083,
    notification: 8084,
    'load-generator': 8085,
  };

  it('are the six services of packages/demo, one image built from the repo root', () => {
    expect([...demoNames].sort()).toEqual(Object.keys(routes).sort());
  });

  it.each(Object.entries(routes))('%s is named after its service and health-checked on its PORT', (name, port) => {
    const { environment, healthcheck } = services[name];
    expect(environment.OTEL_SERVICE_NAME).toBe(name);
    expect(Number(environment.PORT)).toBe(port);
    expect(healthcheck.test).toEqual(['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${port}/health`]);
  });

  it.each(Object.keys(routes))(
    '%s exports to the jaeger service on 4318 unless DEMO_OTLP_ENDPOINT says otherwise',
    (name) => {
      const { environment } = services[name];
      expect(environment.OTEL_EXPORTER_OTLP_ENDPOINT).toContain('${DEMO_OTLP_ENDPOINT:-');
      const { host, port } = hostPort(withDefaults(environment.OTEL_EXPORTER_OTLP_ENDPOINT));
      expect([host, port]).toEqual(['jaeger', 4318]);
      expect(environment.OTEL_TRACES_SAMPLER).toBe('parentbased_jaeger_remote');
      expect(environment.OTEL_TRACES_SAMPLER_ARG).toContain('endpoint=http://jaeger:5778/');
    },
  );

  it('preloads the bootstrap in every service but the load generator, which plays the browser', () => {
    for (const name of demoNames) {
      const { command } = services[name];
      if (name === 'load-generator') expect(command).not.toContain('@org/otel-bootstrap');
      else expect(command.slice(0, 3)).toEqual(['node', '--require', '@org/otel-bootstrap']);
      expect(command.at(-1)).toBe(`src/${name}.js`);
    }
  });

  it('reach their backends by compose service name', () => {
    const targets = demoNames.flatMap((name) =>
      Object.entries(services[name].environment as Yaml)
        .filter(([key]) => key.endsWith('_URL'))
        .map(([, url]) => hostPort(withDefaults(String(url))).host),
    );
    expect(targets.length).toBeGreaterThan(5);
    for (const host of targets) expect(services).toHaveProperty([host]);
  });
});

describe('every Jaeger and collector config', () => {
  const configs = [
    ...readdirSync(join(repo, 'jaeger'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `jaeger/${f}`),
    ...readdirSync(join(repo, 'otel-collector'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `otel-collector/${f}`),
  ];
  // Extensions that only hold client settings (storage URLs), and exporters that are servers (scraped by Prometheus).
  const clientOnlyExtensions = ['jaeger_storage'];
  const serverExporters = ['prometheus'];

  it('covers the expected files', () => {
    expect([...configs].sort()).toEqual([
      'jaeger/config-badger.yaml',
      'jaeger/config-opensearch.yaml',
      'jaeger/config.yaml',
      'otel-collector/gateway.yaml',
      'otel-collector/tail-sampling.yaml',
    ]);
  });

  it.each(configs)(
    '%s binds every listener to 0.0.0.0, since the defaults are unreachable from other containers',
    (file) => {
      const config = load(file);
      const endpoints: string[] = [];
      const collect = (node: unknown) => {
        if (!node || typeof node !== 'object') return;
        for (const [key, value] of Object.entries(node)) {
          if (key === 'endpoint' && typeof value === 'string') endpoints.push(value);
          else collect(value);
        }
      };
      collect(config.receivers);
      for (const [id, extension] of Object.entries(config.extensions as Yaml)) {
        if (!clientOnlyExtensions.includes(typeOf(id))) collect(extension);
      }
      for (const [id, exporter] of Object.entries((config.exporters ?? {}) as Yaml)) {
        if (serverExporters.includes(typeOf(id))) collect(exporter);
      }
      expect(endpoints.length).toBeGreaterThanOrEqual(2);
      for (const endpoint of endpoints) expect(endpoint).toMatch(/^0\.0\.0\.0:\d+$/);
    },
  );

  it.each(configs)('%s sends to compose services, by name', (file) => {
    const exporters = Object.entries((load(file).exporters ?? {}) as Yaml);
    for (const [id, exporter] of exporters) {
      if (serverExporters.includes(typeOf(id)) || typeof exporter?.endpoint !== 'string') continue;
      expect(services).toHaveProperty([hostPort(exporter.endpoint).host]);
    }
  });

  it.each(configs)('%s references only defined components, and uses every one', (file) => {
    const config = load(file);
    const defined = (kind: string) => Object.keys((config[kind] ?? {}) as Yaml);
    const pipelines = Object.entries(config.service.pipelines as Record<string, Record<string, string[]>>);
    for (const name of config.service.extensions) expect(defined('extensions')).toContain(name);
    for (const [id, pipeline] of pipelines) {
      expect(['traces', 'metrics', 'logs']).toContain(typeOf(id));
      for (const name of pipeline.receivers)
        expect([...defined('receivers'), ...defined('connectors')]).toContain(name);
      for (const name of pipeline.processors ?? []) expect(defined('processors')).toContain(name);
      for (const name of pipeline.exporters)
        expect([...defined('exporters'), ...defined('connectors')]).toContain(name);
    }
    const used = (role: string) => pipelines.flatMap(([, pipeline]) => pipeline[role] ?? []);
    for (const name of defined('receivers')) expect(used('receivers')).toContain(name);
    for (const name of defined('processors')) expect(used('processors')).toContain(name);
    for (const name of defined('exporters')) expect(used('exporters')).toContain(name);
    // A connector is the exporter of one pipeline and the receiver of another.
    for (const name of defined('connectors')) {
      const from = pipelines.filter(([, pipeline]) => pipeline.exporters.includes(name)).map(([id]) => id);
      const to = pipelines.filter(([, pipeline]) => pipeline.receivers.includes(name)).map(([id]) => id);
      expect(from.length).toBeGreaterThan(0);
      expect(to.length).toBeGreaterThan(0);
      expect(from.filter((id) => to.includes(id))).toEqual([]);
    }
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

describe('the production profile collectors', () => {
  const gateway = load('otel-collector/gateway.yaml');
  const tail = load('otel-collector/tail-sampling.yaml');

  it('run the config files their commands name', () => {
    expect(repoFileFor('otel-gateway', services['otel-gateway'].command.at(-1))).toBe('otel-collector/gateway.yaml');
    expect(repoFileFor('otel-tail-sampler', services['otel-tail-sampler'].command.at(-1))).toBe(
      'otel-collector/tail-sampling.yaml',
    );
  });

  it('route every span of a trace to the same tail sampler, found by its compose service name', () => {
    const [id] = gateway.service.pipelines.traces.exporters;
    // `loadbalancing` is the deprecated alias of `load_balancing` (contrib 0.153).
    expect(['load_balancing', 'loadbalancing']).toContain(typeOf(id));
    const exporter = gateway.exporters[id];
    expect(exporter.routing_key).toBe('traceID');
    expect(exporter.protocol).toHaveProperty('otlp');
    expect(exporter.resolver.dns.hostname).toBe('otel-tail-sampler');
    expect(exporter.resolver.dns.port).toBe(String(hostPort(tail.receivers.otlp.protocols.grpc.endpoint).port));
    // A published port or a fixed container name would stop `--scale otel-tail-sampler=N`.
    expect(services['otel-tail-sampler'].ports).toBeUndefined();
    expect(services['otel-tail-sampler'].container_name).toBeUndefined();
  });

  it('keep errors, slow traces and a probabilistic baseline, and export them to jaeger-opensearch', () => {
    const { traces } = tail.service.pipelines;
    expect(traces.processors).toContain('tail_sampling');
    const policies = tail.processors.tail_sampling.policies as Yaml[];
    expect(policies.find((p) => p.type === 'status_code')?.status_code.status_codes).toEqual(['ERROR']);
    expect(policies.find((p) => p.type === 'latency')?.latency.threshold_ms).toBeGreaterThan(0);
    expect(policies.find((p) => p.type === 'probabilistic')?.probabilistic.sampling_percentage).toBe(10);
    const { endpoint } = tail.exporters[traces.exporters[0]];
    const jaegerGrpc = load('jaeger/config-opensearch.yaml').receivers.otlp.protocols.grpc.endpoint;
    expect(hostPort(endpoint)).toEqual({ host: 'jaeger-opensearch', port: hostPort(jaegerGrpc).port });
  });
});

describe('prometheus/prometheus.yml', () => {
  it('is mounted into the prometheus service and scrapes jaeger:8889', () => {
    expect(services.prometheus.volumes).toContain('./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const targets = load('prometheus/prometheus.yml').scrape_configs.flatMap((job: Yaml) =>
      job.static_configs.flatMap((group: Yaml) => group.targets),
    );
    expect(targets).toContain('jaeger:8889');
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

describe('the logs profile (Loki, Alloy, Grafana)', () => {
  const logsServices = Object.entries(services).filter(([name]) => profilesOf(name).includes('logs'));
  const datasources = load('logs/grafana-datasources.yaml').datasources as Yaml[];

  it('adds Loki, a shipper and Grafana, only under the profile, pinned and health-checked', () => {
    expect(logsServices.map(([name]) => name).sort()).toEqual(['alloy', 'grafana', 'loki']);
    for (const [, service] of logsServices) {
      expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(service.healthcheck.test.length).toBeGreaterThan(1);
    }
    expect(services.jaeger.profiles).toBeUndefined();
  });

  it('gives Grafana a Jaeger and a Loki data source, with trace_id in a log line linking to Jaeger', () => {
    const jaeger = datasources.find((d) => d.type === 'jaeger');
    const loki = datasources.find((d) => d.type === 'loki');
    expect(jaeger?.url).toBe('http://jaeger:16686');
    expect(loki?.url).toBe('http://loki:3100');
    const [link] = loki?.jsonData.derivedFields ?? [];
    expect(link.datasourceUid).toBe(jaeger?.uid);
    const regex = new RegExp(link.matcherRegex);
    const line =
      '{"level":30,"msg":"in request","trace_id":"329a8e81a18b9b5078b2d5d78b8276a5","span_id":"491100253b1497da"}';
    expect(regex.exec(line)?.[1]).toBe('329a8e81a18b9b5078b2d5d78b8276a5');
  });

  it('mounts the files it names, and ships logs to the Loki service', () => {
    expect(services.grafana.volumes[0]).toMatch(/^\.\/logs\/grafana-datasources\.yaml:/);
    const alloyConfigPath = services.alloy.command.at(-1);
    expect(services.alloy.volumes).toContain(`./logs/alloy.alloy:${alloyConfigPath}:ro`);
    const alloy = readFileSync(join(repo, 'logs/alloy.alloy'), 'utf8');
    expect(alloy).toContain('url = "http://loki:3100/loki/api/v1/push"');
    expect(alloy).toMatch(/target_label\s*=\s*"job"/);
  });
});
