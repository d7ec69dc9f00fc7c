import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// There is no container engine on the build machines, so the compose file and Jaeger's config are tested as files.
const repo = join(__dirname, '../../../..');
// Parsed YAML is untyped: the tests below are what checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = Record<string, any>;
const load = (file: string) => parse(readFileSync(join(repo, file), 'utf8')) as Yaml;

describe('docker-compose.yml', () => {
  const compose = load('docker-compose.yml');

  it('runs a pinned Jaeger v2 image, 2.20.0 or later', () => {
    const image = String(compose.services.jaeger.image);
    const version = /^cr\.jaegertracing\.io\/jaegertracing\/jaeger:(\d+)\.(\d+)\.(\d+)$/.exec(image);
    expect(version).not.toBeNull();
    const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
    expect(major > 2 || (major === 2 && minor >= 20)).toBe(true);
  });

  it('publishes the UI and both OTLP ports', () => {
    const ports = (compose.services.jaeger.ports as string[]).map((p) => p.split(':')[0]);
    expect(ports).toEqual(expect.arrayContaining(['16686', '4317', '4318', '5778']));
  });

  it('health-checks Jaeger with BusyBox wget on the healthcheckv2 port', () => {
    expect(compose.services.jaeger.healthcheck.test.join(' ')).toContain('http://localhost:13133/status');
  });

  it('mounts the Jaeger config it passes with --config, and the strategies file the config names', () => {
    const { command, volumes } = compose.services.jaeger;
    const configPath = command[command.indexOf('--config') + 1];
    expect(volumes).toContain(`./jaeger/config.yaml:${configPath}:ro`);
    const strategiesPath = load('jaeger/config.yaml').extensions.remote_sampling.file.path;
    expect(volumes).toContain(`./jaeger/sampling-strategies.json:${strategiesPath}:ro`);
  });
});

describe('jaeger/config.yaml', () => {
  const config = load('jaeger/config.yaml');

  it('binds every listener to 0.0.0.0, since the defaults are unreachable from other containers', () => {
    const endpoints: string[] = [];
    const collect = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'endpoint' && typeof value === 'string') endpoints.push(value);
        else collect(value);
      }
    };
    collect(config.receivers);
    collect(config.extensions);
    expect(endpoints.length).toBeGreaterThanOrEqual(5);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^0\.0\.0\.0:\d+$/);
  });

  it('references only defined receivers, processors, exporters and extensions', () => {
    for (const name of config.service.extensions) expect(config.extensions).toHaveProperty([name]);
    for (const pipeline of Object.values(config.service.pipelines) as Record<string, string[]>[]) {
      for (const name of pipeline.receivers) expect(config.receivers).toHaveProperty([name]);
      for (const name of pipeline.processors ?? []) expect(config.processors).toHaveProperty([name]);
      for (const name of pipeline.exporters) expect(config.exporters).toHaveProperty([name]);
    }
  });

  it('stores traces in a defined backend with a cap', () => {
    const backend = config.extensions.jaeger_query.storage.traces;
    expect(config.exporters.jaeger_storage_exporter.trace_storage).toBe(backend);
    expect(config.extensions.jaeger_storage.backends[backend].memory.max_traces).toBeGreaterThan(0);
  });
});

describe('jaeger/sampling-strategies.json', () => {
  const strategies = JSON.parse(readFileSync(join(repo, 'jaeger/sampling-strategies.json'), 'utf8'));
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
});

describe('the logs profile (Loki, Alloy, Grafana)', () => {
  const compose = load('docker-compose.yml');
  const logsServices = Object.entries(compose.services as Yaml).filter(([, service]) =>
    (service.profiles ?? []).includes('logs'),
  );
  const datasources = load('logs/grafana-datasources.yaml').datasources as Yaml[];

  it('adds Loki, a shipper and Grafana, only under the profile, pinned and health-checked', () => {
    expect(logsServices.map(([name]) => name).sort()).toEqual(['alloy', 'grafana', 'loki']);
    for (const [, service] of logsServices) {
      expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(service.healthcheck.test.length).toBeGreaterThan(1);
    }
    expect(compose.services.jaeger.profiles).toBeUndefined();
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
    expect(compose.services.grafana.volumes[0]).toMatch(/^\.\/logs\/grafana-datasources\.yaml:/);
    const alloyConfigPath = compose.services.alloy.command.at(-1);
    expect(compose.services.alloy.volumes).toContain(`./logs/alloy.alloy:${alloyConfigPath}:ro`);
    const alloy = readFileSync(join(repo, 'logs/alloy.alloy'), 'utf8');
    expect(alloy).toContain('url = "http://loki:3100/loki/api/v1/push"');
    expect(alloy).toMatch(/target_label\s*=\s*"job"/);
  });
});
