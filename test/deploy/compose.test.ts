import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Yaml } from './repo-files';
import { compose, demoNames, load, profilesOf, repo, repoFileFor, services } from './repo-files';

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

  it('runs Jaeger, Prometheus, Grafana, the backing services and the demo by default, the rest under a profile', () => {
    const byProfile = (profile?: string) =>
      Object.keys(services)
        .filter((name) => (profile ? profilesOf(name).includes(profile) : profilesOf(name).length === 0))
        .sort();
    // The apps export metrics by default, so their store and dashboard run by default (issue 17).
    const backends = ['jaeger', 'prometheus', 'grafana'];
    expect(byProfile()).toEqual([...backends, 'postgres', 'redis', 'rabbitmq', ...demoNames].sort());
    expect(byProfile('spm')).toEqual([]);
    expect(byProfile('logs')).toEqual(['alloy', 'loki']);
    expect(byProfile('production')).toEqual(['jaeger-opensearch', 'opensearch', 'otel-gateway', 'otel-tail-sampler']);
  });
});
