import { describeWithServices } from '@org/otel-testing';
import type { RunningFixture } from '@org/otel-testing';
import { demoEnv, descendants, freePortRange, isRunning, startDemo, stillRunningAfter } from './demo-process';

// Stopping `npm run demo`: a signal to its process, or to the npm that started it, ends that process and all six
// services, whichever of the two gets it; and the services end if the demo's process is killed outright. The
// process tree under test, as `npm run demo` (root package.json) starts it:
//
//   npm start -w @org/otel-bootstrap-demo     (the demo's start script execs node, so npm's child is node itself)
//   └── node src/run-local.js
//       ├── node users.js, orders.js, payment-worker.js, notification.js, api-gateway.js
//       └── node load-generator.js

const STOP_WITHIN_MS = 5_000;

describeWithServices(['postgres', 'redis', 'rabbitmq'])('stopping npm run demo', () => {
  let started: { demo: RunningFixture; processes: Map<number, string> } | undefined;
  afterEach(() => {
    // A test that failed must not leave its services running.
    for (const pid of started?.processes.keys() ?? []) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    started = undefined;
  });

  /** Starts the demo with the load generator, and returns it once all its processes run. */
  async function startAll(via: 'node' | 'npm'): Promise<{ demo: RunningFixture; processes: Map<number, string> }> {
    const env = { ...demoEnv(await freePortRange()), DEMO_LOAD: 'true' };
    const demo = startDemo(env, via);
    const pid = demo.child.pid as number;
    started = { demo, processes: new Map([[pid, via]]) };
    await demo.waitForLine(/\[load-generator\] load-generator: /, 60_000);
    for (const [child, args] of descendants(pid)) started.processes.set(child, args);
    const services = [...started.processes.values()].map((args) => /\/demo\/src\/([a-z-]+)\.js$/.exec(args)?.[1]);
    expect(services.filter(Boolean).sort()).toEqual([
      'api-gateway',
      'load-generator',
      'notification',
      'orders',
      'payment-worker',
      'users',
    ]);
    return started;
  }

  it.each([
    ['SIGINT', 'node'],
    ['SIGTERM', 'node'],
    ['SIGINT', 'npm'],
    ['SIGTERM', 'npm'],
  ] as const)('%s to the %s process ends it and every service', async (signal, via) => {
    const { demo, processes } = await startAll(via);
    process.kill(demo.child.pid as number, signal);
    expect(await stillRunningAfter(processes, STOP_WITHIN_MS)).toEqual([]);
    // Ended by the signal it got, as a shell expects of a program it runs.
    expect(await demo.exited).toMatchObject({ code: null, signal });
  });

  it('the services end when the demo process is killed outright (SIGKILL)', async () => {
    const { demo, processes } = await startAll('node');
    process.kill(demo.child.pid as number, 'SIGKILL');
    expect(await stillRunningAfter(processes, STOP_WITHIN_MS)).toEqual([]);
  });
});
