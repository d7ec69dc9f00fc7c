// `npm run bench -- --micro`: CPU µs per span in one process, ours against upstream's SDK set up by hand, for the
// spans OpenTelemetry JS' own benchmark makes (start, 10 attributes, end: published at 1.6 µs on its machine) and
// for exporting them (batch, protobuf encode, HTTP send to a local sink). Each side runs in its own process, in
// alternating rounds, so a noisy machine slows them alike; the table gives the median of the rounds and the ratio
// to upstream. Options: --rounds N (default 5), --spans N (204800 per round, after 51200 to warm up).
const { spawn } = require('node:child_process');
const path = require('node:path');

const SIDES = {
  upstream: {
    label: "upstream's SDK (TracerProvider + BatchSpanProcessor + OTLP/protobuf)",
    nodeArgs: [],
    env: { MICRO_SDK: 'upstream' },
  },
  'ours-100': { label: 'ours, always_on', nodeArgs: ['--require', '@org/otel-bootstrap'], env: {} },
  'ours-10': {
    label: 'ours, 10% + errors kept (default keeping)',
    nodeArgs: ['--require', '@org/otel-bootstrap'],
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
};

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
  const results = Object.fromEntries(Object.keys(SIDES).map((name) => [name, []]));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [name, side] of Object.entries(SIDES)) {
        await fetch(`${sinkUrl}/reset`);
        const env = {
          ...side.env,
          SINK_URL: sinkUrl,
          OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
          MICRO_SPANS: String(spans),
        };
        const out = await runNode(path.join(__dirname, 'micro-worker.js'), side.nodeArgs, env);
        results[name].push(JSON.parse(out.trim().split('\n').pop()));
      }
      console.error(`micro: round ${round}/${rounds} done`);
    }
  } finally {
    sink?.kill();
  }
  report(results);
}

function report(results) {
  const row = (name) => {
    const make = median(results[name].map((r) => r.make));
    const exported = median(results[name].map((r) => r.export));
    return { name, make, exported, total: make + exported, received: median(results[name].map((r) => r.received)) };
  };
  const rows = Object.keys(SIDES).map(row);
  const base = rows[0].total;
  console.log(
    '| side | make a span (µs) | export it (µs) | total (µs) | vs upstream | spans at the sink (with warm-up) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const cells = [SIDES[r.name].label, r.make.toFixed(2), r.exported.toFixed(2), r.total.toFixed(2)];
    console.log(`| ${cells.join(' | ')} | ${(r.total / base).toFixed(2)}x | ${r.received} |`);
  }
}

module.exports = { runMicro };
