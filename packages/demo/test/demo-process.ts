import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RunningFixture, serviceUrl, startFixture } from '@org/otel-testing';

// Starting `npm run demo`'s process (src/run-local.js) for the end-to-end tests, directly or under npm, and
// watching its processes.

export const RUN_LOCAL = join(__dirname, '../src/run-local.js');
const REPO = join(__dirname, '../../..');

/** A base port with the five after it free too: the demo's services take base .. base+5. */
export async function freePortRange(): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** The demo's settings for a test on `port`, over the real PostgreSQL, Redis and RabbitMQ. */
export function demoEnv(port: number): Record<string, string> {
  return {
    DEMO_PORT: String(port),
    DEMO_LOAD: 'false',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    DATABASE_URL: serviceUrl('postgres'),
    REDIS_URL: serviceUrl('redis'),
    AMQP_URL: serviceUrl('rabbitmq'),
    // An exchange and queues of its own, so a demo running on this machine never takes this test's messages.
    AMQP_EXCHANGE: `otb.demo.test.${process.pid}.${port}`,
  };
}

/** `node src/run-local.js`, or `npm start -w @org/otel-bootstrap-demo` (what `npm run demo` runs) from the root. */
export function startDemo(env: Record<string, string>, via: 'node' | 'npm' = 'node'): RunningFixture {
  if (via === 'node') return startFixture({ script: RUN_LOCAL, mode: 'none', env });
  const child = spawn('npm', ['start', '-w', '@org/otel-bootstrap-demo'], {
    cwd: REPO,
    env: { ...withoutTestVariables(process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new RunningFixture(child);
}

/** As startFixture does: no OTel variables and no jest NODE_OPTIONS from this process. */
function withoutTestVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) => !key.startsWith('OTEL_') && !key.startsWith('JEST_') && !['NODE_OPTIONS', 'NODE_ENV'].includes(key),
    ),
  );
}

/** Every process below `pid`, with its command line, from `ps`. */
export function descendants(pid: number): Map<number, string> {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
  const found = new Map<number, string>();
  const visit = (parent: number) => {
    for (const row of table.filter((r) => r.ppid === parent)) {
      found.set(row.pid, row.args);
      visit(row.pid);
    }
  };
  visit(pid);
  return found;
}

/**
 * process.kill(pid, 0) succeeds while the process exists. A service orphaned by its parent's death and then ended
 * stays a zombie until its new parent reaps it, and on some machines (this one) init never does: a zombie has ended.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Those of `processes` (pid to command line) still running after up to `timeoutMs`, as `pid command line`. */
export async function stillRunningAfter(processes: ReadonlyMap<number, string>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = [...processes].filter(([pid]) => isRunning(pid)).map(([pid, args]) => `${pid} ${args}`);
    if (running.length === 0 || Date.now() >= deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
