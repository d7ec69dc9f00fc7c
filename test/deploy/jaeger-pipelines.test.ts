import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Yaml } from './repo-files';
import {
  hostPort,
  jaegerLogsOverlays,
  loadMerged,
  profilesOf,
  repo,
  repoFileFor,
  services,
  typeOf,
  withDefaults,
} from './repo-files';

// The apps export traces, metrics and logs to http://jaeger:4318 by default (issue 17). Jaeger stores only traces:
// it must still take every signal (an OTLP receiver with no pipeline for a signal answers its path with an
// error), hand the metrics to Prometheus, and the logs to Loki or to nothing.
const jaeger = services.jaeger;
const configFlags = (jaeger.command as string[]).flatMap((arg, i, all) => (all[i - 1] === '--config' ? [arg] : []));
const [mainConfig, logsConfig] = configFlags.map((path) => repoFileFor('jaeger', withDefaults(path)));
const mains = ['jaeger/config.yaml', 'jaeger/config-badger.yaml'];
const running = mains.flatMap((main) => jaegerLogsOverlays.map((overlay) => `${main} + ${overlay}`));

/** The pipelines of a signal that take what the apps send (the `otlp` receiver). */
const fromApps = (config: Yaml, signal: string) =>
  Object.entries(config.service.pipelines as Record<string, Yaml>).filter(
    ([id, pipeline]) => typeOf(id) === signal && pipeline.receivers.includes('otlp'),
  );

describe('the jaeger service command', () => {
  it('runs the main config with the logs overlay merged over it, drop.yaml unless JAEGER_LOGS says', () => {
    expect(configFlags).toHaveLength(2);
    expect(mainConfig).toBe('jaeger/config.yaml');
    expect(logsConfig).toBe('jaeger/logs/drop.yaml');
    expect(configFlags[1]).toContain('${JAEGER_LOGS:-drop}');
    for (const overlay of jaegerLogsOverlays) expect(existsSync(join(repo, overlay))).toBe(true);
  });
});

describe.each(running)('%s', (files) => {
  const config = loadMerged(files);
  const exporter = (id: string) => config.exporters[id] as Yaml;

  it.each(['traces', 'metrics', 'logs'])("takes the apps' %s over OTLP in exactly one pipeline", (signal) => {
    expect(fromApps(config, signal)).toHaveLength(1);
  });

  it("sends the apps' metrics to Prometheus' OTLP receiver, which the prometheus service turns on", () => {
    const [[, metrics]] = fromApps(config, 'metrics');
    expect(metrics.exporters).toHaveLength(1);
    const [id] = metrics.exporters;
    expect(['otlp_http', 'otlphttp']).toContain(typeOf(id));
    // otlphttpexporter appends /v1/metrics to `endpoint`; Prometheus serves /api/v1/otlp/v1/metrics (web/api/v1).
    const url = `${exporter(id).endpoint.replace(/\/$/, '')}/v1/metrics`;
    expect(url).toBe('http://prometheus:9090/api/v1/otlp/v1/metrics');
    expect(services.prometheus.command).toContain('--web.enable-otlp-receiver');
    expect(profilesOf('prometheus')).toEqual([]);
  });

  it("keeps the span metrics for the Monitor tab apart from the apps' metrics", () => {
    expect(config.service.pipelines['metrics/spanmetrics']).toEqual({
      receivers: ['spanmetrics'],
      exporters: ['prometheus'],
    });
  });

  it("drops the logs (nop) or sends them to Loki's OTLP endpoint, as its overlay says", () => {
    const [[, logs]] = fromApps(config, 'logs');
    const types = (logs.exporters as string[]).map(typeOf);
    if (files.endsWith('drop.yaml')) expect(types).toEqual(['nop']);
    else {
      expect(types).toEqual([expect.stringMatching(/^otlp_?http$/)]);
      // Loki 3 takes OTLP logs at /otlp/v1/logs; the exporter adds /v1/logs.
      const url = `${exporter(logs.exporters[0]).endpoint}/v1/logs`;
      expect(url).toBe('http://loki:3100/otlp/v1/logs');
      expect(hostPort(url).port).toBe(Number(String(services.loki.ports[0]).split(':').at(-1)));
      expect(profilesOf('loki')).toEqual(['logs']);
    }
  });
});
