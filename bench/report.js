// Turns bench results into ratios against untraced (medians over rounds) and the docs/benchmarks.md page.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { CONFIGS, WORKLOADS } = require('./configs');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function versionOf(root, name) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/**
 * Median and range, over rounds, of a configuration's value divided by untraced's in the same round: a slow moment of
 * the machine slows both sides of a round alike, so per-round ratios spread less than ratios of medians.
 */
function perRoundRatio(results, workload, name, value) {
  const ratios = roundRatios(results, workload, name, value);
  if (ratios.length === 0) return '—';
  const range = ratios.length > 1 ? ` [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]` : '';
  return `${median(ratios).toFixed(2)}${range}`;
}

/** Per round, a configuration's value divided by untraced's in the same round. */
function roundRatios(results, workload, name, value) {
  return results
    .filter((r) => r.workload === workload && r.config === name)
    .map((run) => {
      const base = results.find((r) => r.workload === workload && r.config === 'untraced' && r.round === run.round);
      return base && value(base) ? value(run) / value(base) : NaN;
    })
    .filter((ratio) => Number.isFinite(ratio));
}

/** The median over rounds of a configuration's value divided by untraced's in the same round, or NaN. */
function medianRatio(results, workload, name, value) {
  const ratios = roundRatios(results, workload, name, value);
  return ratios.length ? median(ratios) : NaN;
}

/** "≤ 1.5×: met" or "≤ 1.5×: not met", for a configuration with a CPU goal (issue 20); "—" otherwise. */
function goalCell(results, workload, name) {
  const goal = CONFIGS[name].cpuGoal;
  if (goal === undefined) return '—';
  const ratio = medianRatio(results, workload, name, (r) => r.cpuPerRequest);
  return `≤ ${goal}×: ${Number.isFinite(ratio) && ratio <= goal ? 'met' : 'not met'}`;
}

function writeReport(results, options) {
  const tables = [];
  const summary = [];
  for (const workload of options.workloads) {
    const rows = options.configs.map((name) => {
      const runs = results.filter((r) => r.workload === workload && r.config === name);
      return {
        name,
        rps: median(runs.map((r) => r.rps)),
        cpu: median(runs.map((r) => r.cpuPerRequest ?? 0)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        rss: median(runs.map((r) => r.rssMb)),
        first: median(runs.map((r) => r.firstResponseMs)),
        spansPerSecond: median(runs.map((r) => r.spans / r.seconds)),
        spansPerRequest: median(runs.map((r) => (r.requests ? r.spans / r.requests : 0))),
      };
    });
    const base = rows.find((r) => r.name === 'untraced') ?? rows[0];
    const ours100 = rows.find((r) => r.name === 'ours-100');
    const lines = [
      `### ${workload.toUpperCase()}: ${WORKLOADS[workload].description}`,
      '',
      '| configuration | req/s | × untraced [range] | app CPU µs/request (× [range]) | CPU goal | p50 ms (×) | p99 ms (×) | RSS MB (+) | first response ms (+) | spans/s | spans/request | dropped |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ];
    for (const row of rows) {
      const full = row.name.endsWith('-100') && ours100;
      // At 100% every request's spans should arrive; "dropped" counts what did not, against ours' spans/request.
      const expected = row.name === 'ours-100' || row.name === 'official-100' ? row.spansPerRequest : undefined;
      lines.push(
        `| ${CONFIGS[row.name].label} | ${row.rps.toFixed(0)} | ${perRoundRatio(results, workload, row.name, (r) => r.rps)} | ` +
          `${row.cpu.toFixed(0)} (${perRoundRatio(results, workload, row.name, (r) => r.cpuPerRequest)}) | ` +
          `${goalCell(results, workload, row.name)} | ` +
          `${row.p50.toFixed(2)} (${(row.p50 / base.p50).toFixed(2)}) | ${row.p99.toFixed(2)} (${(row.p99 / base.p99).toFixed(2)}) | ` +
          `${row.rss.toFixed(0)} (${signed(row.rss - base.rss)}) | ${row.first.toFixed(0)} (${signed(row.first - base.first)}) | ` +
          `${row.spansPerSecond.toFixed(0)} | ${row.spansPerRequest.toFixed(2)} | ${full && expected !== undefined ? droppedNote(results, workload, row.name) : '—'} |`,
      );
      summary.push(
        `${workload} ${row.name}: ${perRoundRatio(results, workload, row.name, (r) => r.rps)}× throughput, ` +
          `${perRoundRatio(results, workload, row.name, (r) => r.cpuPerRequest)}× app CPU per request, ` +
          `RSS ${signed(row.rss - base.rss)} MB, first response ${signed(row.first - base.first)} ms` +
          (CONFIGS[row.name].cpuGoal === undefined ? '' : `, CPU goal ${goalCell(results, workload, row.name)}`),
      );
    }
    tables.push(lines.join('\n'));
  }
  const m = options.machine;
  const markdown = `# Benchmarks

Generated by \`npm run bench\` (bench/run-bench.js) on ${m.date}, on commit ${m.commit}${
    m.uncommitted ? ' with uncommitted changes in packages/' : ''
  }. Every configuration runs the same workload against the
same local PostgreSQL, Redis and RabbitMQ and exports to the same local OTLP sink, in ${options.rounds} interleaved
rounds; figures are medians. Ratios are against untraced in the same round, with their range over the rounds in
brackets, which is what to compare: the machine is shared and noisy, so absolute numbers move between runs.

- Machine: ${m.cpus}, ${m.memoryGb} GiB; Node ${m.node}; ${m.wrk}, 1 thread, ${options.connections} connections,
  ${options.duration} s per measurement after ${options.warmup} s of warm-up${
    options.warmupRequests ? ` and at least ${options.warmupRequests} warm-up requests` : ''
  }${
    options.rate
      ? `; at a fixed rate (\`--rate ${options.rate}\`: each connection pauses between requests), so every configuration
  serves about the same requests a second and CPU per request is compared at equal load`
      : ', each configuration serving as many requests as it can'
  }.
- Official: \`node --require @opentelemetry/auto-instrumentations-node/register\`
  (${versionOf(options.root, '@opentelemetry/auto-instrumentations-node')}) with its defaults, same endpoint and sampling.
- Ours: \`node --require @org/otel-bootstrap\` (SDK ${versionOf(options.root, '@opentelemetry/sdk-trace')}), defaults.
- "first response" is from spawning the process to its first successful response; "RSS" is the peak under load.
- "app CPU" is the user and system time of the app's process during the load, divided by the requests it served.
- "CPU goal" is issue 20's goal for the app's CPU per request against untraced (set on W1), and whether the median
  met it.
- "dropped" compares the spans that reached the sink with the requests served, for the 100% configurations.

${tables.join('\n\n')}
`;
  return { markdown: markdown + findings(options.root), summary: summary.join('\n') };
}

function droppedNote(results, workload, name) {
  const runs = results.filter((r) => r.workload === workload && r.config === name);
  const perRequest = median(runs.map((r) => r.spans / r.requests));
  const floor = Math.floor(perRequest + 0.05);
  const missing = median(runs.map((r) => Math.max(0, r.requests * floor - r.spans)));
  return missing.toFixed(0);
}

function signed(n) {
  return `${n >= 0 ? '+' : ''}${n.toFixed(0)}`;
}

/** The hand-written findings section, kept in bench/findings.md so that a new run does not erase it. */
function findings(root) {
  try {
    return `\n${readFileSync(path.join(root, 'bench', 'findings.md'), 'utf8')}`;
  } catch {
    return '';
  }
}

module.exports = { writeReport };
