import type { Yaml } from './repo-files';
import { demoNames, hostPort, services, withDefaults } from './repo-files';

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
