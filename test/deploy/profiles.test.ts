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

describe('the gateway takes every signal the apps send', () => {
  const gateway = load('otel-collector/gateway.yaml');
  const pipelines = gateway.service.pipelines as Record<string, Yaml>;

  it('has a pipeline from its OTLP receiver for traces, metrics and logs', () => {
    const signals = Object.entries(pipelines)
      .filter(([, p]) => p.receivers.includes('otlp'))
      .map(([id]) => typeOf(id));
    expect(signals.sort()).toEqual(['logs', 'metrics', 'traces']);
  });

  it("sends the metrics to Prometheus' OTLP receiver, which runs in every profile, and drops the logs", () => {
    const [metrics] = Object.entries(pipelines).filter(([id]) => typeOf(id) === 'metrics');
    const [exporterId] = metrics[1].exporters;
    expect(`${gateway.exporters[exporterId].endpoint}/v1/metrics`).toBe(
      'http://prometheus:9090/api/v1/otlp/v1/metrics',
    );
    expect(profilesOf('prometheus')).toEqual([]);
    const [logs] = Object.entries(pipelines).filter(([id]) => typeOf(id) === 'logs');
    expect(logs[1].exporters.map(typeOf)).toEqual(['nop']);
  });
});

describe('prometheus/prometheus.yml and the prometheus service', () => {
  const prometheus = load('prometheus/prometheus.yml');

  it('is mounted into the prometheus service and scrapes jaeger:8889 for the Monitor tab', () => {
    expect(services.prometheus.volumes).toContain('./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const targets = prometheus.scrape_configs.flatMap((job: Yaml) =>
      job.static_configs.flatMap((group: Yaml) => group.targets),
    );
    expect(targets).toContain('jaeger:8889');
  });

  it('keeps the image defaults and adds the OTLP receiver and exemplar storage', () => {
    const command = services.prometheus.command as string[];
    expect(command).toEqual(
      expect.arrayContaining([
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        '--web.enable-otlp-receiver',
        '--enable-feature=exemplar-storage',
      ]),
    );
    // The dashboard's names depend on this strategy (test/deploy/prometheus-names.ts).
    expect(prometheus.otlp.translation_strategy).toBe('UnderscoreEscapingWithSuffixes');
  });
});

describe('the logs profile (Loki, Alloy)', () => {
  const logsServices = Object.entries(services).filter(([name]) => profilesOf(name).includes('logs'));

  it('adds Loki and a shipper, only under the profile, pinned and health-checked', () => {
    expect(logsServices.map(([name]) => name).sort()).toEqual(['alloy', 'loki']);
    for (const [, service] of logsServices) {
      expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(service.healthcheck.test.length).toBeGreaterThan(1);
    }
    expect(services.jaeger.profiles).toBeUndefined();
  });

  it('ships logs to the Loki service', () => {
    const alloyConfigPath = services.alloy.command.at(-1);
    expect(services.alloy.volumes).toContain(`./logs/alloy.alloy:${alloyConfigPath}:ro`);
    const alloy = readFileSync(join(repo, 'logs/alloy.alloy'), 'utf8');
    expect(alloy).toContain('url = "http://loki:3100/loki/api/v1/push"');
    expect(alloy).toMatch(/target_label\s*=\s*"job"/);
  });
});
