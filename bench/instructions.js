// `npm run instructions -w bench -- --workload w3 --configs untraced,x-ours-off`: the app's instructions per request
// under valgrind's callgrind, counted only over --requests requests (1000) after --warm (3000). Instruction counts do
// not move with the VM's load, as CPU time does, so two builds can be told apart by 1% (bench/findings.md,
// "Instructions, not seconds"). Under valgrind the app runs about 50 times slower, so this measures work, not cold
// caches: a change that pays here may not pay in CPU time, and the other way round.
//
// Each configuration prints the total a request, and "work": the total without garbage collection, compilation and
// Node's own nextTick literal path (Runtime_DefineKeyedOwnPropertyInLiteral), which come and go between runs of the
// same build by up to 100,000 instructions. With --components, the total by component: our JavaScript,
// OpenTelemetry's, Node's, the app's libraries, V8's builtins and runtime, GC, compilation (needs node's
// --perf-basic-prof map to name the JIT code). Options: --runs N (2, alternating configurations), --keep DIR.
// Needs valgrind (on every machine here) and the local services the workloads use.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { CONFIGS, WORKLOADS } = require('./configs');

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const args = {
  workload: option('workload', 'w3'),
  configs: option('configs', 'untraced,x-ours-off').split(','),
  runs: Number(option('runs', 2)),
  warm: Number(option('warm', 3000)),
  requests: Number(option('requests', 1000)),
  components: argv.includes('--components'),
  keep: option('keep', undefined) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'instructions-')),
};

const GC =
  /Mark|Sweep|Scaveng|Evacuat|Compact|Remembered|heap::|Heap::|GCTracer|SizeFromMap|MemoryChunk|PageMetadata|MinorMS|ObjectCache|WeakObjects|ActiveSystemPages|Visitor|PagedSpace|NewSpace|LargeObject|FreeList|Slot/;
const COMPILE =
  /compiler::|maglev|Maglev|turboshaft|Turboshaft|Compiler|OptimizingCompile|Zone|Bytecode|Parser|Scanner|interpreter::/;
const NEXT_TICK_LITERAL = 'Runtime_DefineKeyedOwnPropertyInLiteral';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a script (under valgrind when `valgrind` is given) and resolves once it prints "listening <port>". */
function start(script, nodeArgs, env, valgrind = []) {
  const [command, commandArgs] = valgrind.length
    ? ['valgrind', [...valgrind, process.execPath, ...nodeArgs, script]]
    : [process.execPath, [...nodeArgs, script]];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const child = spawn(command, commandArgs, { cwd: __dirname, env: { ...clean, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${stderr.slice(-2000)}`)));
  });
}

/** GETs the URL `count` times, two at a time on kept-alive connections, printing progress every 500. */
function load(url, count, label) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  let started = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    if (count <= 0) return resolve();
    const next = () => {
      if (started >= count) return;
      started++;
      http
        .get(url, { agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${label}: HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', () => {
            if (++done % 500 === 0) process.stderr.write(`  ${label}: ${done}/${count}\n`);
            if (done < count) return next();
            agent.destroy();
            resolve();
          });
        })
        .on('error', reject);
    };
    next();
    next();
  });
}

/** callgrind_annotate's self counts: [function, instructions] pairs. */
function selfCounts(file) {
  const out = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return [...out.matchAll(/^\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$/gm)]
    .filter((m) => !m[2].includes('PROGRAM TOTALS'))
    .map((m) => [m[2], Number(m[1].replaceAll(',', ''))]);
}

function inclusiveCount(file, name) {
  const out = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const line = out.split('\n').find((l) => l.includes(name));
  return line ? Number(/^\s*([\d,]+)/.exec(line)[1].replaceAll(',', '')) : 0;
}

/** Names JIT code addresses from node's --perf-basic-prof map. */
function jitNames(mapFile) {
  if (!fs.existsSync(mapFile)) return () => 'JIT code';
  const entries = fs
    .readFileSync(mapFile, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((p) => p.length >= 3)
    .map(([startHex, sizeHex, ...name]) => [parseInt(startHex, 16), parseInt(sizeHex, 16), name.join(' ')])
    .sort((a, b) => a[0] - b[0]);
  return (address) => {
    let lo = 0;
    let hi = entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (entries[mid][0] <= address) lo = mid;
      else hi = mid - 1;
    }
    const entry = entries[lo];
    return entry && address >= entry[0] && address < entry[0] + entry[1] ? entry[2] : 'JIT code';
  };
}

function componentOf(name, jitName) {
  const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(name);
  if (jit) {
    const js = jitName(parseInt(jit[1], 16));
    if (js.includes('otel-bootstrap/dist')) return 'ours';
    if (js.includes('@opentelemetry')) return 'OpenTelemetry';
    if (js.includes('node:')) return "Node's JavaScript";
    if (js.includes('node_modules') || js.includes('workloads')) return "the app's";
    return 'other JIT code';
  }
  if (GC.test(name)) return 'GC';
  if (COMPILE.test(name)) return 'compilation';
  if (name.includes('Builtins_')) return 'V8 builtins';
  if (name.includes('libc') || name.includes('malloc')) return 'libc';
  if (name.includes('node::') || name.includes('uv_')) return "Node's C++";
  return 'V8 runtime';
}

async function measure(configName, run, sinkUrl) {
  const config = CONFIGS[configName];
  if (!config) throw new Error(`no configuration ${configName}`);
  const label = `${configName}-${run}`;
  const out = path.join(args.keep, label);
  const env = {
    PG_URL: process.env.OTB_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.OTB_TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    AMQP_URL: process.env.OTB_TEST_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
    OTEL_SERVICE_NAME: `bench-${args.workload}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    ...config.env,
  };
  // --perf-basic-prof also writes a V8 log; it goes next to the callgrind files.
  const profiling = ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${out}.v8.log`];
  const nodeArgs = args.components ? [...profiling, ...config.nodeArgs] : config.nodeArgs;
  const valgrind = ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}.%p`];
  const app = await start(path.join(__dirname, WORKLOADS[args.workload].script), nodeArgs, env, valgrind);
  const url = `http://127.0.0.1:${app.port}/item/42`;
  try {
    await load(url, args.warm, `${label} warm-up`);
    await sleep(2000);
    execFileSync('callgrind_control', ['-i', 'on', String(app.child.pid)], { stdio: 'ignore' });
    await load(url, args.requests, label);
    execFileSync('callgrind_control', ['-i', 'off', String(app.child.pid)], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-d', String(app.child.pid)], { stdio: 'ignore' });
  } finally {
    if (app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGKILL');
      await new Promise((resolve) => app.child.once('exit', resolve));
    }
  }
  const dump = `${out}.${app.child.pid}.1`;
  const perfMap = `/tmp/perf-${app.child.pid}.map`;
  if (fs.existsSync(perfMap)) {
    fs.copyFileSync(perfMap, `${out}.map`); // not a rename: --keep may be on another file system
    fs.rmSync(perfMap);
  }
  const counts = selfCounts(dump);
  const perRequest = (n) => Math.round(n / args.requests);
  const byComponent = new Map();
  const jitName = jitNames(`${out}.map`);
  for (const [name, n] of counts) {
    const component = componentOf(name, jitName);
    byComponent.set(component, (byComponent.get(component) ?? 0) + n);
  }
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const noise =
    (byComponent.get('GC') ?? 0) + (byComponent.get('compilation') ?? 0) + inclusiveCount(dump, NEXT_TICK_LITERAL);
  return {
    configName,
    label,
    total: perRequest(total),
    work: perRequest(total - noise),
    components: [...byComponent].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, perRequest(n)]),
  };
}

async function main() {
  const sink = await start(path.join(__dirname, 'otlp-sink.js'), [], {});
  const results = [];
  try {
    for (let run = 1; run <= args.runs; run++) {
      for (const name of args.configs) {
        const result = await measure(name, run, `http://127.0.0.1:${sink.port}`);
        results.push(result);
        const components = args.components ? `; ${result.components.map(([c, n]) => `${c} ${n}`).join(', ')}` : '';
        console.log(`${result.label}: ${result.total} instructions a request, work ${result.work}${components}`);
      }
    }
  } finally {
    sink.child.kill();
  }
  console.log(`\n${args.workload}, work (instructions a request without GC, compilation and nextTick's literal path):`);
  for (const name of args.configs) {
    const works = results.filter((r) => r.configName === name).map((r) => r.work);
    console.log(`  ${name}: ${works.join(' / ')}`);
  }
  console.log(`callgrind files in ${args.keep}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
