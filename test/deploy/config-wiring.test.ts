import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Yaml } from './repo-files';
import { hostPort, jaegerLogsOverlays, loadMerged, repo, services, typeOf } from './repo-files';

describe('every Jaeger and collector config', () => {
  const configs = [
    ...readdirSync(join(repo, 'jaeger'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `jaeger/${f}`),
    ...readdirSync(join(repo, 'otel-collector'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `otel-collector/${f}`),
  ];
  // What the jaeger service runs: its main config with a logs overlay merged over it (a second --config).
  const merged = ['jaeger/config.yaml', 'jaeger/config-badger.yaml'].flatMap((main) =>
    jaegerLogsOverlays.map((overlay) => `${main} + ${overlay}`),
  );
  const running = [...configs, ...merged];
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

  it('merges each logs overlay over both main configs of the jaeger service', () => {
    expect(jaegerLogsOverlays).toEqual(['jaeger/logs/drop.yaml', 'jaeger/logs/loki.yaml']);
    expect(merged).toHaveLength(4);
  });

  it.each(running)(
    '%s binds every listener to 0.0.0.0, since the defaults are unreachable from other containers',
    (file) => {
      const config = loadMerged(file);
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

  it.each(running)('%s sends to compose services, by name', (file) => {
    const exporters = Object.entries((loadMerged(file).exporters ?? {}) as Yaml);
    for (const [id, exporter] of exporters) {
      if (serverExporters.includes(typeOf(id)) || typeof exporter?.endpoint !== 'string') continue;
      expect(services).toHaveProperty([hostPort(exporter.endpoint).host]);
    }
  });

  it.each(running)('%s references only defined components, and uses every one', (file) => {
    const config = loadMerged(file);
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
