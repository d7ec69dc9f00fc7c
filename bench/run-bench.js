// `npm run bench`: W1-W3 under three configurations - untraced, the official zero-code register, and ours - in
// interleaved rounds within one run, so a noisy machine slows them alike. Reports ratios against untraced and
// writes docs/benchmarks.md. `--smoke` runs one short round of W1 to prove the script works (CI does this; it
// asserts nothing about speed). `--micro` runs the per-span microbenchmark instead (micro.js).
//
// Options: --duration S (default 10), --warmup S (2), --warmup-requests N (12000: the warm-up goes on until the app
//          has served N), --rounds N (3), --workloads w1,w2,w3, --configs a,b,
//          --connections N (20), --out FILE (docs/benchmarks.md; "-" for none), --smoke,
//          --rate N: every configuration serves N requests a second (fixed-rate.lua) instead of as many as it can,
//          so CPU per request is compared at equal load (see bench/findings.md, "Equal load").
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { CONFIGS, DEFAULT_CONFIGS, WORKLOADS } = require('./configs');
const { writeReport } = require('./report');

const args = parseArgs(process.argv.slice(2));
const root = path.join(__dirname, '..');

function parseArgs(argv) {
  const smoke = argv.includes('--smoke');
  const value = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    smoke,
    duration: Number(value('duration', smoke ? 1 : 10)),
    warmup: Number(value('warmup', smoke ? 1 : 2)),
    warmupRequests: Number(value('warmup-requests', smoke ? 0 : 12000)),
    rounds: Number(value('rounds', smoke ? 1 : 3)),
    connections: Number(value('connections', 20)),
    workloads: value('workloads', smoke ? 'w1' : Object.keys(WORKLOADS).join(',')).split(','),
    configs: value('configs', DEFAULT_CONFIGS.join(',')).split(','),
    out: value('out', smoke ? '-' : path.join(__dirname, '..', 'docs', 'benchmarks.md')),
    rate: value('rate', undefined) === undefined ? undefined : Number(value('rate')),
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a node process and resolves with it and its port once it prints "listening <port>". */
function startNode(script, nodeArgs, env) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: path.dirname(script),
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve({ child, port: Number(match[1]), started, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${stderr}`)));
  });
}

function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return env;
}

/** Milliseconds from spawn to the first successful response. */
async function timeToFirstResponse(app, url) {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return Number(process.hrtime.bigint() - app.started) / 1e6;
    } catch {
      // not answering yet
    }
    await sleep(5);
  }
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** User plus system CPU time the process has used, in microseconds (from /proc; 0 where there is none). */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return 0;
  }
}

/** Runs wrk and returns requests, req/s and latency percentiles (ms). */
function wrk(url, seconds, connections, rate = args.rate) {
  const fixedRate = rate
    ? ['-s', path.join(__dirname, 'fixed-rate.lua'), url, '--', String(rate), String(connections)]
    : [url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...fixedRate]);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', () => {
      if (!/Requests\/sec/.test(out)) return reject(new Error(`wrk failed: ${out}`));
      const toMs = (text) => {
        const [, n, unit] = /([\d.]+)(us|ms|s)/.exec(text);
        return Number(n) * { us: 0.001, ms: 1, s: 1000 }[unit];
      };
      const latency = (p) => toMs(new RegExp(`\\s${p}%\\s+(\\S+)`).exec(out)[1]);
      const requests = Number(/(\d+) requests in/.exec(out)[1]);
      const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      resolve({
        requests,
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
        p50: latency(50),
        p99: latency(99),
        non2xx: errors ? Number(errors[1]) : 0,
      });
    });
  });
}

async function sinkCount(sinkUrl, reset) {
  return (await fetch(`${sinkUrl}/${reset ? 'reset' : 'count'}`)).json();
}

/**
 * Loads the app for --warmup seconds, then on until it has served --warmup-requests in all (at most a minute more).
 * W3 serves about 450 requests a second, so 2 s is 900 requests, and its CPU per request still falls for another
 * 25 s while V8 optimizes the instrumented paths on background threads that /proc counts (bench/findings.md, "W3 and
 * warm-up"); W1 and W2 reach the count within their 2 s.
 */
async function warmUp(url) {
  if (args.warmup <= 0) return;
  const served = (await wrk(url, args.warmup, args.connections)).requests;
  const rate = served / args.warmup;
  if (served >= args.warmupRequests || rate <= 0) return;
  const more = Math.min(60, Math.ceil((args.warmupRequests - served) / rate));
  await wrk(url, more, args.connections);
}

/** One measurement: start the app under a configuration, warm it up, load it, sample RSS, stop it. */
async function measure(workload, config, sinkUrl) {
  const env = {
    PG_URL: process.env.OTB_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.OTB_TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    AMQP_URL: process.env.OTB_TEST_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
    OTEL_SERVICE_NAME: `bench-${workload}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    // Both traced setups export every second, so a measurement's last spans arrive soon after it.
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    ...config.env,
  };
  const app = await startNode(path.join(__dirname, WORKLOADS[workload].script), config.nodeArgs, env);
  const url = `http://127.0.0.1:${app.port}/item/42`;
  try {
    const firstResponseMs = await timeToFirstResponse(app, url);
    await warmUp(url);
    await sleep(config.traced ? 1500 : 0); // let the warm-up's spans arrive before counting starts
    await sinkCount(sinkUrl, true);
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(app.child.pid))), 100);
    const cpuBefore = cpuMicros(app.child.pid);
    const load = await wrk(url, args.duration, args.connections);
    const cpuPerRequest = load.requests ? (cpuMicros(app.child.pid) - cpuBefore) / load.requests : 0;
    clearInterval(sampler);
    await sleep(config.traced ? 1500 : 0); // one more batch interval, so the spans of the last requests arrive
    const sink = await sinkCount(sinkUrl, false);
    return { ...load, cpuPerRequest, firstResponseMs, rssMb: maxRss, spans: sink.spans, seconds: args.duration };
  } finally {
    // SIGKILL: the official register swallows SIGTERM, and a flush would only slow the next measurement.
    app.child.kill('SIGKILL');
    await new Promise((resolve) => app.child.once('exit', resolve));
  }
}

async function main() {
  if (process.argv.includes('--micro')) return require('./micro').runMicro(process.argv.slice(2));
  const sink = await startNode(path.join(__dirname, 'otlp-sink.js'), [], {});
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  const results = [];
  const total = args.rounds * args.workloads.length * args.configs.length;
  let done = 0;
  try {
    for (let round = 1; round <= args.rounds; round++) {
      for (const workload of args.workloads) {
        for (const name of args.configs) {
          const config = CONFIGS[name];
          if (!config) throw new Error(`unknown configuration "${name}"`);
          const result = await measure(workload, config, sinkUrl);
          results.push({ round, workload, config: name, ...result });
          done++;
          console.log(
            `[${done}/${total}] round ${round} ${workload} ${name}: ${result.rps.toFixed(0)} req/s, ` +
              `${result.cpuPerRequest.toFixed(0)} µs CPU/request, ` +
              `p99 ${result.p99.toFixed(1)} ms, RSS ${result.rssMb.toFixed(0)} MB, first response ` +
              `${result.firstResponseMs.toFixed(0)} ms, ${result.spans} spans` +
              (result.non2xx ? `, ${result.non2xx} non-2xx!` : ''),
          );
        }
      }
    }
  } finally {
    sink.child.kill('SIGKILL');
  }
  const machine = {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(0),
    node: process.version,
    wrk: spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split(' Copyright')[0].trim() || 'wrk',
    date: new Date().toISOString().slice(0, 10),
    // which build was measured: the page is regenerated by hand, so it may lag behind main
    commit:
      spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown',
    uncommitted:
      spawnSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: root, encoding: 'utf8' }).stdout.trim() !==
      '',
  };
  const report = writeReport(results, { ...args, machine, root });
  console.log(`\n${report.summary}`);
  if (args.out !== '-') {
    writeFileSync(args.out, report.markdown);
    console.log(`wrote ${path.relative(process.cwd(), args.out)}`);
  }
  if (results.some((r) => r.non2xx > 0)) {
    console.error('some requests failed: the numbers above are not comparable');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
