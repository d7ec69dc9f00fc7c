import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ExportedMetric } from './exported-metrics';
import { exportedMetrics, runtimeMetrics } from './exported-metrics';
import { prometheusLabel, prometheusName, prometheusSeries } from './prometheus-names';
import { promqlUse } from './promql';
import type { Yaml } from './repo-files';
import { hostPort, load, profilesOf, repo, repoFileFor, services } from './repo-files';

// Grafana, checked as files: what it mounts, the data sources it provisions, and a dashboard whose every query
// names a metric and labels that the demo services really export, under the names Prometheus gives them.
const grafana = services.grafana;
const datasourcesFile = repoFileFor('grafana', '/etc/grafana/provisioning/datasources/datasources.yaml');
const datasources = load(datasourcesFile ?? 'missing').datasources as Yaml[];
const dashboardsProvider = load(repoFileFor('grafana', '/etc/grafana/provisioning/dashboards/dashboards.yaml') ?? '');
const dashboardDir = repoFileFor('grafana', dashboardsProvider.providers[0].options.path) ?? 'missing';
const dashboardFile = posix.join(dashboardDir, 'otel-bootstrap-demo.json');
const dashboard = JSON.parse(readFileSync(join(repo, dashboardFile), 'utf8')) as Yaml;

/** Every object in the dashboard, depth first, so no nested panel or target is missed. */
function objects(node: unknown): Yaml[] {
  if (Array.isArray(node)) return node.flatMap(objects);
  if (typeof node !== 'object' || node === null) return [];
  return [node as Yaml, ...Object.values(node).flatMap(objects)];
}
const queries: string[] = [
  ...objects(dashboard.panels)
    .filter((o) => typeof o.expr === 'string')
    .map((o) => o.expr as string),
  ...dashboard.templating.list.map((v: Yaml) => v.definition as string),
];

// Series name to the metric it belongs to; every metric also has the labels Prometheus adds (`job` from
// service.name, `instance` from service.instance.id) and, for a histogram's buckets, `le`.
const bySeries = new Map<string, ExportedMetric>(
  exportedMetrics.flatMap((metric) => prometheusSeries(metric).map((series) => [series, metric] as const)),
);
const labelsOf = (metric: ExportedMetric) => [
  'job',
  'instance',
  ...(metric.kind === 'histogram' ? ['le'] : []),
  ...metric.attributes.map(prometheusLabel),
];

describe('Prometheus names of the metrics the apps export', () => {
  // The examples in prometheus/otlptranslator's metric_namer.go and README.
  it.each([
    [
      { name: 'http.server.request.duration', kind: 'histogram', unit: 's' } as const,
      'http_server_request_duration_seconds',
    ],
    [{ name: 'requests.count', kind: 'counter', unit: '1' } as const, 'requests_count_total'],
    [{ name: 'memory.usage', kind: 'gauge', unit: 'By' } as const, 'memory_usage_bytes'],
    [{ name: 'nodejs.eventloop.utilization', kind: 'gauge', unit: '1' } as const, 'nodejs_eventloop_utilization_ratio'],
    [{ name: 'demo.orders.placed', kind: 'counter', unit: '{order}' } as const, 'demo_orders_placed_total'],
    [
      { name: 'v8js.memory.heap.space.size', kind: 'updowncounter', unit: 'By' } as const,
      'v8js_memory_heap_space_size_bytes',
    ],
  ])('%j is %s', (metric, name) => expect(prometheusName(metric)).toBe(name));

  it('lists runtime metrics that the installed @opentelemetry/instrumentation-runtime-node defines', () => {
    // The package's exports hide its files from require.resolve; its version is in exported-metrics.ts.
    const dir = join(repo, 'node_modules/@opentelemetry/instrumentation-runtime-node');
    const names = readFileSync(join(dir, 'dist/semconv.cjs'), 'utf8');
    for (const { name } of runtimeMetrics) expect([name, names.includes(`"${name}"`)]).toEqual([name, true]);
  });
});

describe('grafana/dashboards/otel-bootstrap-demo.json', () => {
  it('queries only metrics the apps export, under their Prometheus names', () => {
    const used = queries.flatMap((expr) => promqlUse(expr).metrics);
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect([name, bySeries.has(name)]).toEqual([name, true]);
  });

  it.each(queries)('uses only labels its metrics carry: %s', (expr) => {
    const { metrics, labels } = promqlUse(expr);
    const known = metrics.flatMap((name) => labelsOf(bySeries.get(name) as ExportedMetric));
    for (const label of labels) expect([label, known.includes(label)]).toEqual([label, true]);
  });

  it('shows RED per route from http.server.request.duration, runtime health and the business metrics', () => {
    const used = new Set(queries.flatMap((expr) => promqlUse(expr).metrics).map((s) => bySeries.get(s)?.name));
    const red = queries.filter((q) => q.includes('http_server_request_duration_seconds'));
    expect(red.some((q) => q.includes('http_route') && q.includes('_count'))).toBe(true); // rate
    expect(red.some((q) => /http_response_status_code=~"5/.test(q))).toBe(true); // errors
    expect(red.some((q) => q.includes('histogram_quantile') && q.includes('_bucket'))).toBe(true); // duration
    for (const name of ['nodejs.eventloop.delay.p99', 'nodejs.eventloop.utilization', 'v8js.gc.duration'])
      expect([name, used.has(name)]).toEqual([name, true]);
    for (const name of ['demo.orders.placed', 'demo.orders.failed', 'demo.payment.amount'])
      expect([name, used.has(name)]).toEqual([name, true]);
  });

  it('asks for exemplars on histogram quantiles, where a dot can stand for one request', () => {
    const withExemplars = objects(dashboard.panels).filter((o) => o.exemplar === true);
    expect(withExemplars.length).toBeGreaterThan(1);
    for (const { expr } of withExemplars) expect(expr).toMatch(/histogram_quantile\(.*_bucket\{?/s);
  });

  it('names only provisioned data sources, by uid', () => {
    const uids = datasources.map((d) => d.uid);
    const referenced = objects(dashboard).flatMap((o) => (o.datasource?.uid ? [o.datasource.uid] : []));
    expect(referenced.length).toBeGreaterThan(10);
    for (const uid of referenced) expect(uids).toContain(uid);
  });

  it('is the home dashboard, loaded by the file provider from the mounted folder', () => {
    expect(existsSync(join(repo, dashboardFile))).toBe(true);
    const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(repoFileFor('grafana', home)).toBe(dashboardFile);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
  });
});

describe('grafana/provisioning/datasources/datasources.yaml', () => {
  const byType = (type: string) => datasources.find((d) => d.type === type) as Yaml;

  it('is mounted into the grafana service, which runs by default after Prometheus and Jaeger', () => {
    expect(datasourcesFile).toBe('grafana/provisioning/datasources/datasources.yaml');
    expect(profilesOf('grafana')).toEqual([]);
    expect(Object.keys(grafana.depends_on).sort()).toEqual(['jaeger', 'prometheus']);
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
    expect(datasources.filter((d) => d.isDefault).map((d) => d.type)).toEqual(['prometheus']);
  });

  it.each([
    ['prometheus', 'prometheus', '--web.listen-address', 9090],
    ['jaeger', 'jaeger', 'jaeger_query', 16686],
    ['loki', 'loki', 'its default', 3100],
  ])('reaches %s at the %s service on the port it listens on (%s)', (type, service, _where, port) => {
    expect(hostPort(byType(type).url)).toEqual({ host: service, port });
    expect(services).toHaveProperty([service]);
  });

  it('listens where the data sources say: Jaeger query on 16686, Prometheus and Loki on their published ports', () => {
    expect(hostPort(load('jaeger/config.yaml').extensions.jaeger_query.http.endpoint).port).toBe(16686);
    expect(services.prometheus.ports).toContain('9090:9090');
    expect(services.loki.ports).toContain('3100:3100');
  });

  it('links an exemplar to its trace in the Jaeger data source, by the label Prometheus stores it under', () => {
    const [destination, ...others] = byType('prometheus').jsonData.exemplarTraceIdDestinations as Yaml[];
    expect(others).toEqual([]);
    // otlptranslator constants.go: ExemplarTraceIDKey = "trace_id".
    expect(destination).toEqual({ name: 'trace_id', datasourceUid: byType('jaeger').uid });
  });

  it("links a log line's trace id to Jaeger, from JSON on stdout and from OTLP structured metadata", () => {
    const [json, otlp] = byType('loki').jsonData.derivedFields as Yaml[];
    expect(json.datasourceUid).toBe(byType('jaeger').uid);
    const line =
      '{"level":30,"msg":"in request","trace_id":"329a8e81a18b9b5078b2d5d78b8276a5","span_id":"491100253b1497da"}';
    expect(new RegExp(json.matcherRegex).exec(line)?.[1]).toBe('329a8e81a18b9b5078b2d5d78b8276a5');
    expect(otlp).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: byType('jaeger').uid });
  });
});
