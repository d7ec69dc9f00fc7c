/**
 * The configuration table: one typed row per environment variable the bootstrap honours, keyed by its name, so a
 * misspelt key fails to compile. This file holds data only; read-env.ts reads the environment against it, and
 * read-config.ts builds each stage's section from the values.
 */

/** The kinds of value a row can hold. */
export type ConfigType = 'boolean' | 'string' | 'enum' | 'list' | 'integer' | 'url' | 'keyvalue' | 'duration';

/** One environment variable the bootstrap reads, as the table holds it: its name is its key in {@link CONFIG}. */
export interface ConfigVariable {
  readonly type: ConfigType;
  /** The value used when the variable is unset or invalid, written as it would appear in the environment. */
  readonly default: string | undefined;
  /** For `enum` and `list`: the accepted values (case-insensitive). */
  readonly allowed?: readonly string[];
  /** For `integer`: the smallest accepted value. */
  readonly min?: number;
  /** The value may hold credentials, so warnings never print it. */
  readonly secret?: boolean;
  /**
   * The variable's former name, still read when this one is unset, with one warning naming this one. When both are
   * set, this one wins.
   */
  readonly replaces?: string;
  readonly description: string;
}

const INSTRUMENTATION_NAMES = [
  'http',
  'undici',
  'express',
  'fastify',
  'pg',
  'ioredis',
  'redis',
  'amqplib',
  'pino',
  'winston',
] as const;

/** Names accepted in OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

/** The table. Order matters only for docs/configuration.md, which follows it. */
export const CONFIG = {
  OTEL_SDK_DISABLED: {
    type: 'boolean',
    default: 'false',
    description: 'When true, the bootstrap loads nothing at all: no SDK, no instrumentation, no signal handlers.',
  },
  OTEL_BOOTSTRAP_COMPILE_CACHE: {
    type: 'boolean',
    default: 'true',
    description:
      "Turn on Node's module compile cache (`module.enableCompileCache()`, in the OS temp folder) before loading the " +
      'SDK, so later starts skip recompiling it and the app. It applies to every module loaded afterwards; `false` ' +
      'leaves it off.',
  },
  OTEL_SERVICE_NAME: {
    type: 'string',
    default: undefined,
    description:
      "`service.name` of every span. When unset, the `name` of the app's own package.json (the nearest one above the " +
      'main script, then above the working directory) is used, so it is never `unknown_service:node`.',
  },
  OTEL_RESOURCE_ATTRIBUTES: {
    type: 'keyvalue',
    default: undefined,
    description:
      'Extra resource attributes as `key=value` pairs separated by commas (values percent-decoded), e.g. ' +
      '`deployment.environment.name=prod,team=payments`. `OTEL_SERVICE_NAME` wins over a `service.name` here.',
  },
  OTEL_BOOTSTRAP_ENVIRONMENT: {
    type: 'string',
    default: undefined,
    description:
      'Sets `deployment.environment.name`. When unset, `NODE_ENV` is used if it is set; ' +
      '`OTEL_RESOURCE_ATTRIBUTES` wins over both.',
  },
  NODE_ENV: {
    type: 'string',
    default: undefined,
    description:
      'Read as the fallback for `deployment.environment.name`; `production` also turns off the terminal fallback ' +
      '(see `OTEL_TRACES_EXPORTER`).',
  },
  OTEL_NODE_RESOURCE_DETECTORS: {
    type: 'list',
    default: 'env,host,os,process,serviceinstance,container',
    allowed: ['env', 'host', 'os', 'process', 'serviceinstance', 'container', 'all', 'none'],
    description:
      'Resource detectors to run. Cloud detectors (which probe metadata addresses) are not bundled, so none run ' +
      'unless you add them yourself; `all` means every bundled detector.',
  },
  OTEL_TRACES_EXPORTER: {
    type: 'enum',
    default: undefined,
    allowed: ['otlp', 'terminal', 'console', 'none'],
    description:
      'Where finished spans go. `otlp` sends them to the OTLP endpoint; `terminal` (or `console`) prints each ' +
      'finished trace on stderr as an indented tree (service, span name, duration, errors); `none` exports nothing. ' +
      'When neither this nor an endpoint variable is set, and `NODE_ENV` is not `production`, spans go over OTLP to ' +
      'http://localhost:4318 while a collector listens there and are printed as trees (at most 10 traces a second) ' +
      'while none does.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    type: 'url',
    default: 'http://localhost:4318',
    description:
      'Base URL of the OTLP/HTTP receiver; the signal path is appended: `/v1/traces`, `/v1/metrics`, `/v1/logs`.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    type: 'url',
    default: undefined,
    description: 'Full URL for traces, used as is (nothing appended). Wins over `OTEL_EXPORTER_OTLP_ENDPOINT`.',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    type: 'keyvalue',
    default: undefined,
    secret: true,
    description: 'Headers sent with every export, as `key=value` pairs separated by commas (values percent-decoded).',
  },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: {
    type: 'keyvalue',
    default: undefined,
    secret: true,
    description: 'Headers for trace exports; merged over `OTEL_EXPORTER_OTLP_HEADERS`.',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    type: 'enum',
    default: 'http/protobuf',
    allowed: ['http/protobuf', 'http/json'],
    description: 'Wire encoding of OTLP/HTTP exports. `grpc` is not supported by this distribution.',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    type: 'enum',
    default: undefined,
    allowed: ['http/protobuf', 'http/json'],
    description: 'Wire encoding for trace exports; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.',
  },
  OTEL_EXPORTER_OTLP_TIMEOUT: {
    type: 'integer',
    default: '10000',
    min: 1,
    description: 'Milliseconds one export request may take, for every signal unless its own `_TIMEOUT` is set.',
  },
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: {
    type: 'integer',
    default: undefined,
    min: 1,
    description: 'Milliseconds one trace export request may take; wins over `OTEL_EXPORTER_OTLP_TIMEOUT`.',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    type: 'integer',
    default: '5000',
    min: 0,
    description: 'Milliseconds between two batch exports.',
  },
  OTEL_BSP_EXPORT_TIMEOUT: {
    type: 'integer',
    default: '30000',
    min: 1,
    description: 'Milliseconds a batch export may take before it is abandoned.',
  },
  OTEL_BSP_MAX_QUEUE_SIZE: {
    type: 'integer',
    default: '2048',
    min: 1,
    description:
      'Spans held in memory waiting for export. Past this, new spans are dropped (and counted), never queued.',
  },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: {
    type: 'integer',
    default: '512',
    min: 1,
    description: 'Spans per export request. Must not exceed `OTEL_BSP_MAX_QUEUE_SIZE`.',
  },
  OTEL_EXPORTER_OTLP_COMPRESSION: {
    type: 'enum',
    default: 'none',
    allowed: ['gzip', 'none'],
    description:
      'Compression of OTLP exports, for every signal unless its own `_COMPRESSION` is set: `gzip` trades CPU in ' +
      'the app for fewer bytes on the wire.',
  },
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: {
    type: 'enum',
    default: undefined,
    allowed: ['gzip', 'none'],
    description: 'Compression of trace exports; wins over `OTEL_EXPORTER_OTLP_COMPRESSION`.',
  },
  OTEL_EXPORTER_OTLP_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description:
      "PEM file of the certificates an `https` endpoint's certificate is checked against, for every signal unless " +
      "its own `_CERTIFICATE` is set: your private CA, or the endpoint's own self-signed certificate. It replaces " +
      "Node's default CAs for OTLP exports. A relative path is taken from the working directory; an `http` " +
      'endpoint ignores it. The file is read when the first export connects, and checked at startup: a file that ' +
      'cannot be read (missing, a directory, no permission) or holds no PEM block (a DER file, the wrong file) gets ' +
      "one warning at startup, and exports go on with Node's default CAs.",
  },
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description:
      'PEM file of the client certificate (or chain) for mutual TLS with an `https` endpoint, together with ' +
      '`OTEL_EXPORTER_OTLP_CLIENT_KEY`, for every signal unless its own `_CLIENT_CERTIFICATE` is set. Read and ' +
      'checked as `OTEL_EXPORTER_OTLP_CERTIFICATE` is: if it cannot be read or holds no PEM block, one warning at ' +
      'startup, and exports go on without it.',
  },
  OTEL_EXPORTER_OTLP_CLIENT_KEY: {
    type: 'string',
    default: undefined,
    description:
      'PEM file of the private key of the client certificate, for every signal unless its own `_CLIENT_KEY` is ' +
      'set. Read and checked as `OTEL_EXPORTER_OTLP_CERTIFICATE` is: if it cannot be read or holds no PEM block, ' +
      'one warning at startup, and exports go on without it.',
  },
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'CA file for trace exports; wins over `OTEL_EXPORTER_OTLP_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'Client certificate file for trace exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: {
    type: 'string',
    default: undefined,
    description: 'Client key file for trace exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_KEY`.',
  },
  OTEL_METRICS_EXPORTER: {
    type: 'list',
    default: 'otlp',
    allowed: ['otlp', 'prometheus', 'console', 'none'],
    description:
      'Where metrics go, comma-separated when more than one: `otlp` pushes them to the OTLP endpoint every ' +
      '`OTEL_METRIC_EXPORT_INTERVAL`; `prometheus` serves them for scraping on `OTEL_EXPORTER_PROMETHEUS_HOST`:' +
      '`OTEL_EXPORTER_PROMETHEUS_PORT` (`/metrics`); `console` prints them on stdout; `none` turns metrics off: ' +
      'the metrics SDK is then never loaded, and our instrumentations measure nothing. With metrics on, the global MeterProvider of `@opentelemetry/api` is ' +
      'ours, so any meter in the app or its libraries records (docs/metrics.md).',
  },
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: {
    type: 'url',
    default: undefined,
    description:
      'Full URL for metrics, used as is (nothing appended). Wins over `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: {
    type: 'keyvalue',
    default: undefined,
    secret: true,
    description: 'Headers for metric exports; merged over `OTEL_EXPORTER_OTLP_HEADERS`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: {
    type: 'enum',
    default: undefined,
    allowed: ['http/protobuf', 'http/json'],
    description: 'Wire encoding for metric exports; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: {
    type: 'integer',
    default: undefined,
    min: 1,
    description: 'Milliseconds one metric export request may take; wins over `OTEL_EXPORTER_OTLP_TIMEOUT`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: {
    type: 'enum',
    default: undefined,
    allowed: ['gzip', 'none'],
    description: 'Compression of metric exports; wins over `OTEL_EXPORTER_OTLP_COMPRESSION`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'CA file for metric exports; wins over `OTEL_EXPORTER_OTLP_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'Client certificate file for metric exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: {
    type: 'string',
    default: undefined,
    description: 'Client key file for metric exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_KEY`.',
  },
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: {
    type: 'enum',
    default: 'cumulative',
    allowed: ['cumulative', 'delta', 'lowmemory'],
    description:
      'Aggregation temporality of OTLP metric exports, as the specification defines it: `cumulative` for every ' +
      'instrument; `delta` for counters, observable counters and histograms; `lowmemory` for synchronous counters ' +
      'and histograms only. Up-down counters and gauges stay cumulative. Prometheus mode is always cumulative.',
  },
  OTEL_METRIC_EXPORT_INTERVAL: {
    type: 'integer',
    default: '60000',
    min: 1,
    description:
      'Milliseconds between two OTLP (or console) metric exports. On exit, what was recorded since the last one is flushed.',
  },
  OTEL_METRIC_EXPORT_TIMEOUT: {
    type: 'integer',
    default: '30000',
    min: 1,
    description:
      'Milliseconds one metric export may take. It never exceeds `OTEL_METRIC_EXPORT_INTERVAL`: a longer one is ' +
      'lowered to the interval (with a warning when it was set).',
  },
  OTEL_METRICS_EXEMPLAR_FILTER: {
    type: 'enum',
    default: 'trace_based',
    allowed: ['trace_based', 'always_on', 'always_off'],
    description:
      'Which histogram measurements may become exemplars (a measurement with the trace and span id it was made in, ' +
      'linking a histogram bucket to a trace): `trace_based` those made inside a sampled span; `always_on` every one ' +
      '(ids only when the span was sampled); `always_off` none, and histograms are then recorded without the ' +
      'exemplar wrapper. Exemplars are sent over OTLP only.',
  },
  OTEL_EXPORTER_PROMETHEUS_HOST: {
    type: 'string',
    default: 'localhost',
    description:
      'Address the `prometheus` metrics endpoint listens on. The default answers local scrapes only; set `0.0.0.0` ' +
      'in a container that Prometheus scrapes from outside.',
  },
  OTEL_EXPORTER_PROMETHEUS_PORT: {
    type: 'integer',
    default: '9464',
    min: 0,
    description: 'Port of the `prometheus` metrics endpoint (`http://<host>:<port>/metrics`).',
  },
  OTEL_BOOTSTRAP_RUNTIME_METRICS: {
    type: 'boolean',
    default: 'true',
    description:
      "Node.js runtime metrics from upstream's `@opentelemetry/instrumentation-runtime-node` while metrics are on: " +
      'event-loop delay and utilization (`nodejs.eventloop.*`), garbage collection and heap (`v8js.*`). `false` ' +
      'leaves them out (and the package unloaded).',
  },
  OTEL_LOGS_EXPORTER: {
    type: 'list',
    default: 'otlp',
    allowed: ['otlp', 'console', 'none'],
    description:
      'Where log records go: `otlp` to the OTLP endpoint, in batches (`OTEL_BLRP_*`); `console` prints each on ' +
      'stdout; `none` turns OTLP logs off (pino and winston still print as they do). One exporter only: with ' +
      'several, the first is used. With logs on, pino and winston records, and any use of the logs API, become ' +
      'OTLP log records carrying the active trace and span ids (docs/logging.md).',
  },
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: {
    type: 'url',
    default: undefined,
    description:
      'Full URL for logs, used as is (nothing appended). Wins over `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_HEADERS: {
    type: 'keyvalue',
    default: undefined,
    secret: true,
    description: 'Headers for log exports; merged over `OTEL_EXPORTER_OTLP_HEADERS`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: {
    type: 'enum',
    default: undefined,
    allowed: ['http/protobuf', 'http/json'],
    description: 'Wire encoding for log exports; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: {
    type: 'integer',
    default: undefined,
    min: 1,
    description: 'Milliseconds one log export request may take; wins over `OTEL_EXPORTER_OTLP_TIMEOUT`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: {
    type: 'enum',
    default: undefined,
    allowed: ['gzip', 'none'],
    description: 'Compression of log exports; wins over `OTEL_EXPORTER_OTLP_COMPRESSION`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'CA file for log exports; wins over `OTEL_EXPORTER_OTLP_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: {
    type: 'string',
    default: undefined,
    description: 'Client certificate file for log exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`.',
  },
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: {
    type: 'string',
    default: undefined,
    description: 'Client key file for log exports; wins over `OTEL_EXPORTER_OTLP_CLIENT_KEY`.',
  },
  OTEL_BLRP_SCHEDULE_DELAY: {
    type: 'integer',
    default: '1000',
    min: 0,
    description: 'Milliseconds between two batch exports of log records.',
  },
  OTEL_BLRP_EXPORT_TIMEOUT: {
    type: 'integer',
    default: '30000',
    min: 1,
    description: 'Milliseconds a batch export of log records may take before it is abandoned.',
  },
  OTEL_BLRP_MAX_QUEUE_SIZE: {
    type: 'integer',
    default: '2048',
    min: 1,
    description: 'Log records held in memory waiting for export. Past this, new records are dropped, never queued.',
  },
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: {
    type: 'integer',
    default: '512',
    min: 1,
    description: 'Log records per export request. Must not exceed `OTEL_BLRP_MAX_QUEUE_SIZE`.',
  },
  OTEL_PROPAGATORS: {
    type: 'list',
    default: 'tracecontext,baggage',
    allowed: ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xtraceid', 'none'],
    description:
      'Context propagation formats, injected and extracted in this order. `xtraceid` bridges legacy services: an ' +
      'inbound `X-Trace-ID` (or `X-Request-ID`) holding 32 hex digits or a UUID becomes the trace id when no ' +
      '`traceparent` came, and outbound calls carry `X-Trace-ID`.',
  },
  OTEL_BOOTSTRAP_TRACERESPONSE: {
    type: 'boolean',
    default: 'false',
    description:
      'When true, HTTP server responses carry a W3C `traceresponse` header (`00-<trace id>-<server span id>-<flags>`), ' +
      'so callers can quote the trace id in a support request. Off by default: a preloaded tracer must not change ' +
      'what the app answers (an added header shows in every client, cache and test that compares headers), and the ' +
      'header tells anyone on the Internet your trace ids and sampling decisions. Turn it on for services whose ' +
      'callers are your own.',
  },
  OTEL_BOOTSTRAP_HTTP_SERVER: {
    type: 'enum',
    default: 'lean',
    allowed: ['lean', 'upstream'],
    description:
      "Which instrumentation makes HTTP server spans. `lean` is ours: the same spans and attributes as upstream's " +
      "`@opentelemetry/instrumentation-http`, adding about half the CPU per request that upstream's adds; " +
      "`upstream` uses upstream's, as a fallback. Client spans always come from upstream.",
  },
  OTEL_BOOTSTRAP_PG: {
    type: 'enum',
    default: 'lean',
    allowed: ['lean', 'upstream'],
    description:
      "Which instrumentation makes pg spans. `lean` is ours: the same spans and attributes as upstream's " +
      "`@opentelemetry/instrumentation-pg`, adding about two thirds of the CPU per query that upstream's adds; " +
      "`upstream` uses upstream's, as a fallback. The two differ in their instrumentation scope.",
  },
  OTEL_BOOTSTRAP_AMQPLIB: {
    type: 'enum',
    default: 'lean',
    allowed: ['lean', 'upstream'],
    description:
      'Which instrumentation makes amqplib (RabbitMQ) spans. `lean` is ours: the same spans and attributes as ' +
      "upstream's `@opentelemetry/instrumentation-amqplib` with our messaging attributes; `upstream` uses upstream's, " +
      'as a fallback. The two differ in their instrumentation scope.',
  },
  OTEL_BOOTSTRAP_PROTOBUF_ENCODER: {
    type: 'enum',
    default: 'lean',
    allowed: ['lean', 'upstream'],
    description:
      'Which encoder writes OTLP protobuf. `lean` is ours: byte for byte what upstream writes, in about half the ' +
      "CPU per span; `upstream` uses upstream's `@opentelemetry/exporter-trace-otlp-proto`, as a fallback.",
  },
  OTEL_BOOTSTRAP_REDACT: {
    type: 'boolean',
    default: 'true',
    description:
      'Scrub secrets from every span before it leaves the process (docs/security.md): secret headers and attribute ' +
      'keys, secret query values in URLs, SQL literals, and the same in events, exception and status messages. ' +
      '`false` turns it off.',
  },
  OTEL_BOOTSTRAP_REDACT_KEYS: {
    type: 'list',
    default: '',
    description:
      'More attribute keys to redact, as comma-separated globs matched case-insensitively against the whole key, ' +
      'e.g. `user.email,*.ssn,payment.card_*`.',
  },
  OTEL_BOOTSTRAP_REDACT_QUERY_KEYS: {
    type: 'list',
    default: '',
    description:
      'More URL query keys whose values are redacted, comma-separated, e.g. `otp,invite`. The defaults include ' +
      '`token`, `access_token`, `password`, `secret`, `api_key`, `key`, `sig`, `signature`, `code` and `session`.',
  },
  OTEL_TRACES_SAMPLER: {
    type: 'enum',
    default: 'parentbased_always_on',
    allowed: [
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
      'jaeger_remote',
      'parentbased_jaeger_remote',
    ],
    description:
      'Head sampler, with its spec meaning. The ratio samplers use consistent probability sampling (the last 56 bits ' +
      'of the trace id against a threshold, written as `ot=th:` in tracestate), so every service agrees on a trace.',
  },
  OTEL_TRACES_SAMPLER_ARG: {
    type: 'string',
    default: undefined,
    description:
      'For the `*traceidratio` samplers, the sampling rate: a number from 0 to 1 (1 when unset). For the ' +
      '`*jaeger_remote` samplers, `endpoint=URL,pollingIntervalMs=N,initialSamplingRate=R` (defaults ' +
      '`http://localhost:5778/sampling`, 60000 and 0.001).',
  },
  OTEL_BOOTSTRAP_SAMPLING_RULES: {
    type: 'string',
    default: undefined,
    description:
      'Per-endpoint ratios for root spans, first match wins, e.g. `GET /health*=0; /api/payments/**=1; ' +
      'POST /api/orders=0.5`. Each rule is an optional method, a path glob (`*` one segment, `**` any depth, a ' +
      'trailing `*` inside a segment) and `=ratio`, separated by `;` or `,`. Unmatched roots use the sampler ratio.',
  },
  OTEL_BOOTSTRAP_SAMPLING_RULES_FILE: {
    type: 'string',
    default: undefined,
    description:
      'Path of a JSON rules file (see docs/sampling.md): matchers on span kind, attributes and service name, a rate ' +
      'limit per rule, and the keep settings (`keepErrors`, `keepSlowerThan`, `keepBuffer`). Wins over the variables ' +
      'it also sets. An invalid file is rejected with the line at fault, and the variables are used instead.',
  },
  OTEL_BOOTSTRAP_KEEP_ERRORS: {
    replaces: 'OTEL_BOOTSTRAP_SAMPLE_ERRORS',
    type: 'boolean',
    default: 'true',
    description:
      'Keep every trace whose local part contains an error, whatever its ratio: unsampled spans are recorded in ' +
      'memory and exported only if an error shows up (ERROR status, an HTTP server 5xx, or an exception event).',
  },
  OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE: {
    type: 'list',
    default: 'http-client-4xx,redis-handshake',
    allowed: ['http-client-4xx', 'redis-handshake', 'amqp-nack', 'none'],
    description:
      'Errors that do not make error keeping keep a trace (the spans still say ERROR when the trace is kept for ' +
      'another reason). `http-client-4xx`: an outgoing HTTP call answered 4xx, such as every wrong password or ' +
      'missing item a caller asks about. `redis-handshake`: the `CLIENT SETINFO` that ioredis and node-redis send on ' +
      'connect and that Redis before 7.2 rejects, which the client itself ignores. `amqp-nack`: a RabbitMQ message ' +
      "nacked or rejected by its consumer; kept by default, since a nack is the app's own way to say processing failed. " +
      '`none` keeps every error.',
  },
  OTEL_BOOTSTRAP_KEEP_SLOWER_THAN: {
    replaces: 'OTEL_BOOTSTRAP_SAMPLE_SLOWER_THAN',
    type: 'duration',
    default: undefined,
    description:
      'Also keep every trace whose local root took longer than this, e.g. `2s` or `500ms`. Unset means latency ' +
      'does not keep a trace.',
  },
  OTEL_BOOTSTRAP_KEEP_BUFFER_MAX_SPANS: {
    replaces: 'OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS',
    type: 'integer',
    default: '20000',
    min: 1,
    description:
      'Most unsampled spans the keep buffer holds while their trace awaits a decision. Past it the oldest traces ' +
      'are dropped undecided, counted and reported.',
  },
  OTEL_BOOTSTRAP_KEEP_BUFFER_TTL: {
    replaces: 'OTEL_BOOTSTRAP_TAIL_BUFFER_TTL',
    type: 'duration',
    default: '30s',
    description:
      'Longest a trace waits for its last local span to end. Then it is decided with what it has: kept if an ' +
      'error was seen, dropped otherwise.',
  },
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: {
    type: 'list',
    default: INSTRUMENTATION_NAMES.join(','),
    allowed: INSTRUMENTATION_NAMES,
    description: 'Instrumentations to load, by short name. Unset means all of them.',
  },
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: {
    type: 'list',
    default: '',
    allowed: INSTRUMENTATION_NAMES,
    description: 'Instrumentations not to load, by short name. Wins over `OTEL_NODE_ENABLED_INSTRUMENTATIONS`.',
  },
  OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS: {
    type: 'boolean',
    default: 'true',
    description:
      'Load the instrumentations of express, pg, ioredis, redis, amqplib, pino and winston only when the app first ' +
      'requires or imports their library (a `module.registerHooks` resolve hook), so an app pays at startup only ' +
      'for the libraries it uses. One whose `@opentelemetry/instrumentation` copy no instrumentation created at ' +
      'startup shares is created at startup instead, so its hook sees the first load. `false` loads every enabled ' +
      'instrumentation at startup.',
  },
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: {
    type: 'integer',
    default: '4096',
    min: 1,
    description:
      'Longest string attribute value kept; longer ones are cut to this length. The spec leaves it unlimited; our ' +
      'default keeps a 1 MB value (a request body, a stack of SQL) from ever reaching the wire whole.',
  },
  OTEL_ATTRIBUTE_COUNT_LIMIT: {
    type: 'integer',
    default: '128',
    min: 1,
    description: 'Most attributes per span; more are dropped and counted.',
  },
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: {
    type: 'integer',
    default: undefined,
    min: 1,
    description: 'Like `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, for span attributes only; wins over it.',
  },
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: {
    type: 'integer',
    default: undefined,
    min: 1,
    description: 'Like `OTEL_ATTRIBUTE_COUNT_LIMIT`, for span attributes only; wins over it.',
  },
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: {
    type: 'integer',
    default: '128',
    min: 0,
    description: 'Most attributes per span event (an exception event included); more are dropped.',
  },
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: {
    type: 'integer',
    default: '128',
    min: 0,
    description: 'Most attributes per span link; more are dropped.',
  },
  OTEL_SPAN_EVENT_COUNT_LIMIT: {
    type: 'integer',
    default: '128',
    min: 0,
    description: 'Most events per span; more are dropped and counted.',
  },
  OTEL_SPAN_LINK_COUNT_LIMIT: {
    type: 'integer',
    default: '128',
    min: 0,
    description: 'Most links per span; more are dropped and counted.',
  },
  OTEL_BOOTSTRAP_JAEGER_URL: {
    type: 'url',
    default: 'http://localhost:16686',
    description: "Jaeger's UI and query API, where `otel-bootstrap doctor` looks up its test span.",
  },
  OTEL_LOG_LEVEL: {
    type: 'enum',
    default: 'info',
    allowed: ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'],
    description:
      "Level of the bootstrap's and the SDK's own diagnostics, written to stderr. Repeated warnings (such as a " +
      'collector that is down) are printed at most once a minute.',
  },
  OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: {
    type: 'integer',
    default: '5000',
    min: 0,
    description:
      'Milliseconds the bootstrap waits for pending spans to flush on SIGTERM, SIGINT or `beforeExit` before it lets ' +
      'the process end.',
  },
} as const satisfies Readonly<Record<string, ConfigVariable>>;

/** The name of a variable in the table. */
export type ConfigKey = keyof typeof CONFIG;

/** A row of the table with its name, as {@link CONFIG_ROWS} lists them. */
export interface ConfigRow extends ConfigVariable {
  readonly key: ConfigKey;
}

/** The table as a list, in its order: what the docs generator and the `it.each` tests walk. */
export const CONFIG_ROWS: readonly ConfigRow[] = (Object.keys(CONFIG) as ConfigKey[]).map((key) => ({
  key,
  ...(CONFIG[key] as ConfigVariable),
}));
