// Soak: the collector goes down for 60 s under steady load, then comes back. Prints the figures issue 7 asks for:
// p99 with the collector down against up, RSS over the outage (flat when the queue is bounded), the warnings
// printed, and whether export resumed without a restart.
// Usage: node bench/soak-backend-down.js [--up S] [--down S] [--rate N]
const { spawn } = require('node:child_process');
const http = require('node:http');
const { readFileSync } = require('node:fs');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const UP = arg('up', 20);
const DOWN = arg('down', 60);
const RATE = arg('rate', 200);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink on a fixed port that can be stopped and started again; counts export requests. */
function sink(port) {
  let server;
  const state = { requests: 0 };
  state.start = () =>
    new Promise((resolve) => {
      server = http.createServer((req, res) => {
        req.resume().on('end', () => {
          state.requests++;
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  state.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return state;
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

async function phase(name, url, seconds, pid) {
  const latencies = [];
  const rss = [];
  let failed = 0;
  const pending = [];
  const start = Date.now();
  const sampler = setInterval(() => rss.push(rssMb(pid)), 1000);
  for (let i = 0; i < RATE * seconds; i++) {
    const due = start + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const sent = process.hrtime.bigint();
    pending.push(
      new Promise((resolve) => {
        http
          .get(url, { agent: keepAlive }, (res) => {
            res.resume().on('end', () => {
              if (res.statusCode !== 200) failed++;
              latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
              resolve();
            });
          })
          .on('error', () => {
            failed++;
            resolve();
          });
      }),
    );
  }
  await Promise.all(pending);
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const result = {
    name,
    requests: latencies.length,
    failed,
    p50: p(0.5),
    p99: p(0.99),
    rssMin: Math.min(...rss),
    rssMax: Math.max(...rss),
    rssEvery10s: rss.filter((_, i) => i % 10 === 9).map((mb) => Math.round(mb)),
  };
  console.log(
    `${name.padEnd(14)} ${result.requests} requests, ${failed} failed, p50 ${result.p50.toFixed(2)} ms, ` +
      `p99 ${result.p99.toFixed(2)} ms, RSS ${result.rssMin.toFixed(0)}-${result.rssMax.toFixed(0)} MB`,
  );
  return result;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 50 });

async function main() {
  const sinkPort = 43000 + Math.floor(Math.random() * 1000);
  const collector = sink(sinkPort);
  await collector.start();
  const app = spawn(process.execPath, ['--require', '@org/otel-bootstrap', 'workloads/w1-http.js'], {
    cwd: __dirname,
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
      PG_URL: process.env.OTB_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: process.env.OTB_TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  app.stderr.on('data', (c) => (stderr += c));
  const port = await new Promise((resolve) => {
    let out = '';
    app.stdout.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  const url = `http://127.0.0.1:${port}/item/42`;
  console.log(`soak: ${RATE} req/s; collector up ${UP} s, down ${DOWN} s, up again ${UP} s`);
  try {
    const up = await phase('collector up', url, UP, app.pid);
    await collector.stop();
    const stderrBefore = stderr.length;
    const down = await phase('collector down', url, DOWN, app.pid);
    const diagnostics = stderr
      .slice(stderrBefore)
      .split('\n')
      .filter((l) => l.startsWith('[otel-bootstrap]'));
    const warnings = diagnostics.filter((l) => / (warn|error): /.test(l));
    const before = collector.requests;
    await collector.start();
    const back = await phase('collector back', url, UP, app.pid);
    await sleep(6000);
    console.log('');
    console.log(`p99 down / up: ${(down.p99 / up.p99).toFixed(2)} (goal: within 1.10)`);
    console.log(
      `RSS during the outage: ${down.rssMin.toFixed(0)}-${down.rssMax.toFixed(0)} MB (up: ${up.rssMax.toFixed(0)} MB)`,
    );
    console.log(`RSS every 10 s while down: ${down.rssEvery10s.join(', ')} MB`);
    console.log(`warnings while down: ${warnings.length} in ${DOWN} s (goal: at most one a minute)`);
    for (const line of diagnostics) console.log(`  ${line}`);
    console.log(
      `export resumed: ${collector.requests > before ? 'yes' : 'NO'} (${collector.requests - before} export requests after the restart)`,
    );
    console.log(`failed requests: ${up.failed + down.failed + back.failed}`);
  } finally {
    app.kill('SIGKILL');
    await collector.stop();
    keepAlive.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
