import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Yaml } from './repo-files';
import { hostPort, load, profilesOf, repo, repoFileFor, services, typeOf } from './repo-files';

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
