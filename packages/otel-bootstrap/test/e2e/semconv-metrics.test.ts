import { describeWithServices, serviceUrl, useReceiver } from '@org/otel-testing';
import type { ReceivedHistogramPoint, ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// The semantic-convention durations of a real service under `node --require`, through the bootstrap's own metrics
// pipeline to the test receiver: one express route touching pg, ioredis, node-redis, amqplib, node:http and fetch,
// called once in a sampled trace and once in an unsampled one. Every histogram counts both calls (metrics are not
// sampled); its exemplars come from the sampled trace only, and name spans that were exported.
//
// GET /users/:id [SERVER]                 http.server.request.duration (ours)
// ├── pg.query:SELECT test                db.client.operation.duration (ours, lean pg)
// ├── get (ioredis) / GET (node-redis)    db.client.operation.duration (ours, from the clients' tracing channels)
// ├── <queue> process [CONSUMER]          messaging.process.duration (ours, amqplib hooks)
// ├── GET [CLIENT] → GET /ping [SERVER]   http.client.request.duration (upstream instrumentation-http)
// └── GET [CLIENT] → GET /ping [SERVER]   http.client.request.duration (upstream instrumentation-undici)

type Point = ReceivedHistogramPoint;

describeWithServices(['postgres', 'redis', 'rabbitmq']).each([['http/protobuf'], ['http/json']])(
  'semantic-convention metrics from a real service (OTLP %s)',
  (protocol) => {
    const receiver = useReceiver();
    let points: Point[] = [];
    let spans: ReceivedSpan[] = [];
    let ids: { sampled: string; unsampled: string };

    beforeAll(async () => {
      const exit = await receiver.runFixture(fixture('semconv-metrics-app.js'), {
        PG_URL: serviceUrl('postgres'),
        REDIS_URL: serviceUrl('redis'),
        AMQP_URL: serviceUrl('rabbitmq'),
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
        OTEL_METRICS_EXEMPLAR_FILTER: 'trace_based',
        // Error keeping records unsampled spans (RECORD_ONLY) in case an error shows up; without it they record
        // nothing, the case where a duration taken from the span would be lost.
        OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
        // spans are exported while the app runs, so their exports fall inside a metric collection
        OTEL_BSP_SCHEDULE_DELAY: '20',
      });
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      ids = JSON.parse(exit.stdout.trim().split('\n').at(-1)!) as typeof ids;
      const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
      expect(receiver.metricRequests.length).toBeGreaterThan(0);
      expect(receiver.metricRequests.every((r) => r.contentType.startsWith(contentType))).toBe(true);
      expect(receiver.decodeErrors).toEqual([]);
      points = receiver.histogramPoints();
      spans = receiver.spans;
    });

    /**
     * The point of `name` from `scope` whose attributes include `attributes`, from the last export that has it: a
     * cumulative series repeats in every export, so the last one holds the final count.
     */
    function point(scope: string, name: string, attributes: Record<string, unknown>): Point {
      const found = points.filter(
        (p) =>
          p.scope === scope &&
          p.name === name &&
          Object.entries(attributes).every(([key, value]) => p.attributes[key] === value),
      );
      expect(found.length).toBeGreaterThan(0);
      return found.at(-1)!;
    }

    const HTTP_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    const DB_BOUNDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
    const SERVER = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };
    const REDIS = {
      'db.system.name': 'redis',
      'db.operation.name': 'GET',
      'server.address': '127.0.0.1',
      'server.port': 6379,
    };
    const cases: [string, string, string, Record<string, unknown>, number][] = [
      [
        'http.server.request.duration (ours)',
        '@org/otel-bootstrap/http-server',
        'http.server.request.duration',
        { ...SERVER, 'http.route': '/users/:id', 'http.response.status_code': 200 },
        2,
      ],
      [
        'http.client.request.duration (instrumentation-http)',
        '@opentelemetry/instrumentation-http',
        'http.client.request.duration',
        { 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 },
        // the /ping calls, and the fixture's own two calls: suppressing tracing suppresses their spans, not the metric
        4,
      ],
      [
        'http.client.request.duration (instrumentation-undici)',
        '@opentelemetry/instrumentation-undici',
        'http.client.request.duration',
        { 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 },
        2,
      ],
      [
        'db.client.operation.duration (pg)',
        '@org/otel-bootstrap/pg',
        'db.client.operation.duration',
        { 'db.system.name': 'postgresql', 'db.namespace': 'test', 'db.operation.name': 'SELECT', 'server.port': 5432 },
        2,
      ],
      [
        'db.client.operation.duration (ioredis)',
        '@org/otel-bootstrap/ioredis',
        'db.client.operation.duration',
        REDIS,
        2,
      ],
      [
        'db.client.operation.duration (node-redis)',
        '@org/otel-bootstrap/node-redis',
        'db.client.operation.duration',
        REDIS,
        2,
      ],
      [
        'messaging.process.duration (amqplib)',
        '@org/otel-bootstrap/amqplib',
        'messaging.process.duration',
        {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': 'otb-semconv-metrics',
        },
        2,
      ],
    ];

    it.each(cases)('%s counts the sampled and the unsampled call', (_title, scope, name, attributes, count) => {
      const found = point(scope, name, attributes);
      expect(found.unit).toBe('s');
      expect(found.count).toBe(count);
    });

    it("counts none of the bootstrap's own exports among the app's HTTP client requests", () => {
      // the receiver takes every export as a POST; the app itself only sends GETs
      const posts = points.filter(
        (p) => p.name === 'http.client.request.duration' && p.attributes['http.request.method'] === 'POST',
      );
      expect(posts).toEqual([]);
      expect(points.some((p) => p.name === 'http.client.request.duration')).toBe(true);
    });

    it('http.server.request.duration also counts the inner /ping calls, under their own route', () => {
      const ping = point('@org/otel-bootstrap/http-server', 'http.server.request.duration', { 'http.route': '/ping' });
      expect(ping.count).toBe(4);
    });

    it.each(cases)(
      '%s has exemplars from the sampled trace only, naming exported spans',
      (_title, scope, name, attributes) => {
        const { exemplars } = point(scope, name, attributes);
        expect(exemplars.length).toBeGreaterThan(0);
        const exported = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
        for (const exemplar of exemplars) {
          expect(exemplar.traceId).toBe(ids.sampled);
          expect(exported.has(`${exemplar.traceId}/${exemplar.spanId}`)).toBe(true);
        }
      },
    );

    it.each(cases)('%s has the advised bucket boundaries', (_title, scope, name, attributes) => {
      // The semantic conventions' advice: the database one for db.*, the HTTP one for http.* and messaging.*.
      const advised = name.startsWith('db.') ? DB_BOUNDS : HTTP_BOUNDS;
      expect(point(scope, name, attributes).bounds).toEqual(advised);
    });
  },
);
