// `npm run bench -- --micro`: CPU µs per span in one process, ours against upstream's SDK set up by hand, for the
// spans OpenTelemetry JS' own benchmark makes (start, 10 attributes, end: published at 1.6 µs on its machine) and
// for exporting them (batch, protobuf encode, HTTP send to a local sink). Each side runs in its own process, in
// alternating rounds, so a noisy machine slows them alike; the table gives the median of the rounds and the ratio
// to upstream. A second table does the same for W1-shaped traces (four spans), where error keeping's pending spans
// show. Options: --rounds N (default 5), --spans N (204800 per round, after a quarter as many to warm up; traces: a
// quarter of each).
const { spawn } = require('node:child_process');
const path = require('node:path');

const OURS = ['--require', '@org/otel-bootstrap'];
const TEN_PERCENT = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
const UPSTREAM = {
  label: "upstream's SDK (TracerProvider + BatchSpanProcessor + OTLP/protobuf)",
  nodeArgs: [],
  env: { MICRO_SDK: 'upstream' },
};

/** Each suite's first side is what the others are compared with. */
const SUITES = [
  {
    title: 'one span: start, 10 attributes, end',
    unit: 'span',
    sides: {
      upstream: UPSTREAM,
      'ours-100': { label: 'ours, always_on', nodeArgs: OURS, env: {} },
      'ours-10': { label: 'ours, 10% + errors kept (default keeping)', nodeArgs: OURS, env: TEN_PERCENT },
    },
  },
  {
    // The shape error keeping works on: a local trace whose decision waits for its last span.
    title: "W1's request: a SERVER root with 8 attributes and three CLIENT children with 5",
    unit: 'trace',
    sides: {
      upstream: UPSTREAM,
      'ours-100': { label: 'ours, always_on', nodeArgs: OURS, env: {} },
      'ours-10-errors': { label: 'ours, 10% + errors kept (default keeping)', nodeArgs: OURS, env: TEN_PERCENT },
      'ours-10': {
        label: 'ours, 10%, keeping off',
        nodeArgs: OURS,
        env: { ...TEN_PERCENT, OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' },
      },
      'ours-off': { label: 'ours, always_off', nodeArgs: OURS, env: { OTEL_TRACES_SAMPLER: 'always_off' } },
    },
  },
];

function option(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

function runNode(script, nodeArgs, env, onLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd: __dirname,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (onLine && out.includes('\n')) onLine(out, child);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function runMicro(argv) {
  const rounds = option(argv, 'rounds', 5);
  const spans = option(argv, 'spans', 204800);
  let sink;
  const sinkUrl = await new Promise((resolve, reject) => {
    runNode(path.join(__dirname, 'otlp-sink.js'), [], {}, (out, child) => {
      sink = child;
      resolve(`http://127.0.0.1:${/listening (\d+)/.exec(out)[1]}`);
    }).catch(reject);
  });
  const results = SUITES.map((suite) => Object.fromEntries(Object.keys(suite.sides).map((name) => [name, []])));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [i, suite] of SUITES.entries()) {
        // A trace is four spans: a quarter as many keep each side's run about as long.
        const units = suite.unit === 'trace' ? Math.ceil(spans / 4) : spans;
        for (const [name, side] of Object.entries(suite.sides)) {
          await fetch(`${sinkUrl}/reset`);
          const env = {
            ...side.env,
            SINK_URL: sinkUrl,
            OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
            MICRO_SHAPE: suite.unit,
            MICRO_SPANS: String(units),
            MICRO_WARMUP: String(Math.ceil(units / 4)),
          };
          const out = await runNode(path.join(__dirname, 'micro-worker.js'), side.nodeArgs, env);
          results[i][name].push(JSON.parse(out.trim().split('\n').pop()));
        }
      }
      console.error(`micro: round ${round}/${rounds} done`);
    }
  } finally {
    sink?.kill();
  }
  for (const [i, suite] of SUITES.entries()) report(suite, results[i]);
}

function report(suite, results) {
  const row = (name) => {
    const make = median(results[name].map((r) => r.make));
    const exported = median(results[name].map((r) => r.export));
    return { name, make, exported, total: make + exported, received: median(results[name].map((r) => r.received)) };
  };
  const rows = Object.keys(suite.sides).map(row);
  const base = rows[0].total;
  const { unit } = suite;
  console.log(`\n${suite.title} (CPU µs per ${unit})\n`);
  console.log(
    `| side | make a ${unit} (µs) | export it (µs) | total (µs) | vs upstream | spans at the sink (with warm-up) |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const cells = [suite.sides[r.name].label, r.make.toFixed(2), r.exported.toFixed(2), r.total.toFixed(2)];
    console.log(`| ${cells.join(' | ')} | ${(r.total / base).toFixed(2)}x | ${r.received} |`);
  }
}

module.exports = { runMicro };
