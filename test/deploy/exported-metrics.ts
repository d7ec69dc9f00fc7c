import { join } from 'node:path';
import type { OtlpMetric } from './prometheus-names';
import { repo } from './repo-files';

/** A metric the demo's services export, with the attributes its points carry. */
export interface ExportedMetric extends OtlpMetric {
  attributes: string[];
  /** Where the name, kind and unit come from. */
  source: string;
}

// The HTTP, database and messaging durations of @org/otel-bootstrap (issue 17), named, typed and attributed as the
// semantic conventions define them and as packages/otel-bootstrap/test/unit/semconv-metrics.test.ts and
// test/e2e/semconv-metrics.test.ts pin them.
const http = ['http.request.method', 'http.response.status_code', 'network.protocol.version', 'error.type'];
const semconv: ExportedMetric[] = [
  {
    name: 'http.server.request.duration',
    kind: 'histogram',
    unit: 's',
    attributes: [...http, 'http.route', 'url.scheme'],
    source: 'semconv http',
  },
  {
    name: 'http.client.request.duration',
    kind: 'histogram',
    unit: 's',
    attributes: [...http, 'server.address', 'server.port', 'url.scheme'],
    source: 'semconv http',
  },
  {
    name: 'db.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    attributes: ['db.system.name', 'db.operation.name', 'db.namespace', 'server.address', 'server.port', 'error.type'],
    source: 'semconv database',
  },
  {
    name: 'messaging.process.duration',
    kind: 'histogram',
    unit: 's',
    attributes: [
      'messaging.system',
      'messaging.operation.name',
      'messaging.operation.type',
      'messaging.destination.name',
      'error.type',
    ],
    source: 'semconv messaging',
  },
];

// @opentelemetry/instrumentation-runtime-node 0.37.0, dist/metrics/*.cjs: the instrument each collector creates.
const runtimeSource = '@opentelemetry/instrumentation-runtime-node';
export const runtimeMetrics: ExportedMetric[] = [
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map((stat): ExportedMetric => ({
    name: `nodejs.eventloop.delay.${stat}`,
    kind: 'gauge',
    unit: 's',
    attributes: [],
    source: runtimeSource,
  })),
  { name: 'nodejs.eventloop.utilization', kind: 'gauge', unit: '1', attributes: [], source: runtimeSource },
  {
    name: 'nodejs.eventloop.time',
    kind: 'counter',
    unit: 's',
    attributes: ['nodejs.eventloop.state'],
    source: runtimeSource,
  },
  { name: 'v8js.gc.duration', kind: 'histogram', unit: 's', attributes: ['v8js.gc.type'], source: runtimeSource },
  {
    name: 'v8js.memory.heap.used',
    kind: 'gauge',
    unit: 'By',
    attributes: ['v8js.heap.space.name'],
    source: runtimeSource,
  },
  {
    name: 'v8js.memory.heap.space.size',
    kind: 'updowncounter',
    unit: 'By',
    attributes: ['v8js.heap.space.name'],
    source: runtimeSource,
  },
];

type BusinessMetric = Pick<ExportedMetric, 'name' | 'kind' | 'unit' | 'attributes'>;
// The demo's own instruments, from the table its code records them with.
const demo = require(join(repo, 'packages/demo/src/lib/business-metrics.js')) as {
  BUSINESS_METRICS: Record<string, BusinessMetric>;
};
export const businessMetrics: ExportedMetric[] = Object.values(demo.BUSINESS_METRICS).map(
  ({ name, kind, unit, attributes }) => ({
    name,
    kind,
    unit,
    attributes,
    source: 'packages/demo/src/lib/business-metrics.js',
  }),
);

/** Every metric a demo service exports through Jaeger to Prometheus. */
export const exportedMetrics: ExportedMetric[] = [...semconv, ...runtimeMetrics, ...businessMetrics];
