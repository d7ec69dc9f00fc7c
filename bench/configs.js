// The configurations and workloads the bench compares. Each traced configuration exports to the same local sink with
// the same sampling as its counterpart.
const WORKLOADS = {
  w1: {
    script: 'workloads/w1-http.js',
    description: 'node:http GET: one Redis GET (SET on a miss), one pg SELECT $1::int, JSON',
  },
  w2: { script: 'workloads/w2-express.js', description: 'the same route through express' },
  w3: { script: 'workloads/w3-amqp.js', description: 'RabbitMQ: publish a message and consume it, per request' },
};

const OFFICIAL = ['--require', '@opentelemetry/auto-instrumentations-node/register'];
const OURS = ['--require', '@org/otel-bootstrap'];
const TEN_PERCENT = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };

// Our traces-only configurations turn metrics and logs off, so they compare with the official register's tracing and
// with earlier runs; `ours-defaults-10` is what a user gets with only the sampling rate set: all three signals.
const TRACES_ONLY = { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

// cpuGoal: issue 20's goal for the app's CPU per request, as a ratio to untraced on W1 (the report shows it on every
// workload, and whether the median met it).
const CONFIGS = {
  untraced: { label: 'untraced', nodeArgs: [], env: {}, traced: false },
  'official-100': { label: 'official, always_on', nodeArgs: OFFICIAL, env: {}, traced: true },
  'ours-100': { label: 'ours, always_on', nodeArgs: OURS, env: TRACES_ONLY, traced: true, cpuGoal: 1.5 },
  'official-10': { label: 'official, 10% ratio', nodeArgs: OFFICIAL, env: TEN_PERCENT, traced: true },
  'ours-10': {
    label: 'ours, 10% ratio',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, ...TEN_PERCENT, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' },
    traced: true,
    cpuGoal: 1.2,
  },
  'ours-10-errors': {
    label: 'ours, 10% + errors kept',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, ...TEN_PERCENT },
    traced: true,
    cpuGoal: 1.3,
  },
  'ours-defaults-10': {
    label: 'ours, 10% + errors kept, metrics and logs on (our defaults)',
    nodeArgs: OURS,
    env: TEN_PERCENT,
    traced: true,
    cpuGoal: 1.4,
  },
};

/** Configurations for finding where the cost lies; run them with --configs, they are not in the default set. */
const EXPERIMENTS = {
  'x-ours-off': {
    label: 'ours, always_off',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_TRACES_SAMPLER: 'always_off' },
    traced: false,
    cpuGoal: 1.1,
  },
  'x-ours-no-http': {
    label: 'ours, 100%, http instrumentation off',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' },
    traced: true,
  },
  'x-ours-http-only': {
    label: 'ours, 100%, only http',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' },
    traced: true,
  },
  'x-ours-dead-sink': {
    label: 'ours, 100%, nothing listening',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    traced: false,
  },
  'x-ours-upstream-http-server': {
    label: "ours, 100%, upstream's HTTP server instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_HTTP_SERVER: 'upstream' },
    traced: true,
  },
  'x-ours-off-upstream-http-server': {
    label: "ours, always_off, upstream's HTTP server instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_TRACES_SAMPLER: 'always_off', OTEL_BOOTSTRAP_HTTP_SERVER: 'upstream' },
    traced: false,
  },
  'x-ours-upstream-pg': {
    label: "ours, 100%, upstream's pg instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_PG: 'upstream' },
    traced: true,
  },
  'x-ours-off-upstream-pg': {
    label: "ours, always_off, upstream's pg instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_TRACES_SAMPLER: 'always_off', OTEL_BOOTSTRAP_PG: 'upstream' },
    traced: false,
  },
  'x-ours-upstream-amqplib': {
    label: "ours, 100%, upstream's amqplib instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_AMQPLIB: 'upstream' },
    traced: true,
  },
  'x-ours-off-upstream-amqplib': {
    label: "ours, always_off, upstream's amqplib instrumentation",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_TRACES_SAMPLER: 'always_off', OTEL_BOOTSTRAP_AMQPLIB: 'upstream' },
    traced: false,
  },
  'x-ours-defaults-upstream-amqplib': {
    label: "ours, our defaults, upstream's amqplib instrumentation",
    nodeArgs: OURS,
    env: { ...TEN_PERCENT, OTEL_BOOTSTRAP_AMQPLIB: 'upstream' },
    traced: true,
  },
  'x-ours-upstream-encoder': {
    label: "ours, 100%, upstream's protobuf encoder",
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_PROTOBUF_ENCODER: 'upstream' },
    traced: true,
  },
  'x-ours-no-compile-cache': {
    label: 'ours, 100%, compile cache off',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_COMPILE_CACHE: 'false' },
    traced: true,
  },
  'x-ours-lean': {
    label: 'ours, 100%, no redaction, no deferral, no traceresponse',
    nodeArgs: OURS,
    env: {
      ...TRACES_ONLY,
      OTEL_BOOTSTRAP_REDACT: 'false',
      OTEL_BOOTSTRAP_KEEP_ERRORS: 'false',
      OTEL_BOOTSTRAP_TRACERESPONSE: 'false',
    },
    traced: true,
  },
  'x-ours-no-redact': {
    label: 'ours, 100%, no redaction',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_REDACT: 'false' },
    traced: true,
  },
  'x-ours-no-deferral': {
    label: 'ours, 100%, no error keeping',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' },
    traced: true,
  },
  'x-ours-no-traceresponse': {
    label: 'ours, 100%, no traceresponse',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_BOOTSTRAP_TRACERESPONSE: 'false' },
    traced: true,
  },
  'x-ours-json': {
    label: 'ours, 100%, http/json',
    nodeArgs: OURS,
    env: { ...TRACES_ONLY, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    traced: true,
  },
};

// What metrics cost, piece by piece (all at 10% with errors kept, like ours-defaults-10).
EXPERIMENTS['x-ours-10-metrics'] = {
  label: 'ours, 10% + errors kept, metrics on, logs off',
  nodeArgs: OURS,
  env: { ...TEN_PERCENT, OTEL_LOGS_EXPORTER: 'none' },
  traced: true,
};
EXPERIMENTS['x-ours-10-metrics-no-runtime'] = {
  label: 'ours, 10% + errors kept, metrics on without runtime metrics, logs off',
  nodeArgs: OURS,
  env: { ...TEN_PERCENT, OTEL_LOGS_EXPORTER: 'none', OTEL_BOOTSTRAP_RUNTIME_METRICS: 'false' },
  traced: true,
};

// A change measured side by side with the build before it: with BENCH_BEFORE set to another build's register.js (a
// copy of packages/otel-bootstrap's dist/ and package.json, next to a node_modules), every configuration of ours gets
// a `before-` twin that preloads that build instead, e.g. `--configs untraced,before-ours-10,ours-10`.
function beforeTwins(configs, register) {
  const twins = {};
  for (const [name, config] of Object.entries(configs)) {
    if (!config.nodeArgs.includes(OURS[1])) continue;
    const nodeArgs = config.nodeArgs.map((arg) => (arg === OURS[1] ? register : arg));
    twins[`before-${name}`] = { ...config, label: `${config.label} (before)`, nodeArgs };
  }
  return twins;
}
const ALL = { ...CONFIGS, ...EXPERIMENTS };
const BEFORE = process.env.BENCH_BEFORE ? beforeTwins(ALL, process.env.BENCH_BEFORE) : {};

module.exports = { CONFIGS: { ...ALL, ...BEFORE }, DEFAULT_CONFIGS: Object.keys(CONFIGS), WORKLOADS };
