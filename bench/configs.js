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

const CONFIGS = {
  untraced: { label: 'untraced', nodeArgs: [], env: {}, traced: false },
  'official-100': { label: 'official, always_on', nodeArgs: OFFICIAL, env: {}, traced: true },
  'ours-100': { label: 'ours, always_on', nodeArgs: OURS, env: {}, traced: true },
  'official-10': { label: 'official, 10% ratio', nodeArgs: OFFICIAL, env: TEN_PERCENT, traced: true },
  'ours-10': {
    label: 'ours, 10% ratio',
    nodeArgs: OURS,
    env: { ...TEN_PERCENT, OTEL_BOOTSTRAP_SAMPLE_ERRORS: 'false' },
    traced: true,
  },
  'ours-10-errors': { label: 'ours, 10% + errors kept', nodeArgs: OURS, env: TEN_PERCENT, traced: true },
};

module.exports = { CONFIGS, WORKLOADS };
