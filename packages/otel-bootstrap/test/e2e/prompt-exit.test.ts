import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { OtlpReceiver, startFixture } from '@org/otel-testing';
import type { FixtureExit } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Issue 19, item 3: a finished job ends within OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT of its last work, whatever the
// collector does. short-job.js serves 300 requests to itself, closes its server and lets the event loop empty; it
// prints "work done <epoch ms>" when its own work is over, and the test measures from there to the exit.
//
// The bound is the one the docs promise, not a speed figure. Before the fix the job lived on for 16 s (dead
// collector) and 20 s (hanging collector) after its work, whatever the timeout; now about the timeout plus 0.2 s.
const REQUESTS = 300;
const SHUTDOWN_TIMEOUT_MS = 1000;
/** Process teardown, and a busy machine: measured here about 200 ms. */
const MARGIN_MS = 2000;

interface Collector {
  readonly url: string;
  close(): Promise<void>;
}

/** A port nothing listens on: bound, read, then released. Every connect is refused at once. */
async function deadCollector(): Promise<Collector> {
  const server = await listening(createServer());
  const url = urlOf(server);
  await closeServer(server);
  return { url, close: () => Promise.resolve() };
}

/** Accepts connections and never answers: each request waits out its whole OTEL_EXPORTER_OTLP_TIMEOUT. */
async function hangingCollector(): Promise<Collector> {
  const sockets = new Set<Socket>();
  const server = await listening(createServer((socket) => sockets.add(socket)));
  return {
    url: urlOf(server),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

async function listening(server: Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Runs the job to its end; resolves with its exit and how long it lived after its work. */
async function runJob(env: Record<string, string>): Promise<{ exit: FixtureExit; afterWorkMs: number }> {
  const job = startFixture({ script: fixture('short-job.js'), env: { REQUESTS: String(REQUESTS), ...env } });
  const exit = await job.exited;
  const exitedAt = Date.now();
  const workDone = /work done (\d+)/.exec(exit.stdout);
  if (!workDone) throw new Error(`the job never finished its work\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`);
  return { exit, afterWorkMs: exitedAt - Number(workDone[1]) };
}

describe('a finished job exits within the shutdown timeout', () => {
  it.each([
    ['dead', 'http/protobuf', deadCollector],
    ['hanging', 'http/protobuf', hangingCollector],
    ['dead', 'http/json', deadCollector],
    ['hanging', 'http/json', hangingCollector],
  ])('with a %s collector (%s)', async (_kind, protocol, startCollector) => {
    const collector = await startCollector();
    try {
      const { exit, afterWorkMs } = await runJob({
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        // Upstream's default, stated so that the old behaviour (retries and requests running it out) is certain.
        OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
        OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_MS),
      });
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(afterWorkMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + MARGIN_MS);
      expect(exit.stderr).not.toMatch(/Unhandled|TypeError|at .*\(/);
    } finally {
      await collector.close();
    }
  });

  it('still delivers every span when the collector is up, and exits as soon as they are sent', async () => {
    const receiver = new OtlpReceiver();
    await receiver.start();
    try {
      const { exit, afterWorkMs } = await runJob({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(afterWorkMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + MARGIN_MS);
      // Each of the job's requests to itself, one trace each:
      //   GET (CLIENT)
      //   └── GET (SERVER)
      const clients = receiver.spans.filter((span) => span.kind === 'CLIENT');
      const servers = receiver.spans.filter((span) => span.kind === 'SERVER');
      expect([clients.length, servers.length]).toEqual([REQUESTS, REQUESTS]);
      const clientIds = new Set(clients.map((span) => span.spanId));
      expect(servers.filter((span) => !clientIds.has(span.parentSpanId))).toEqual([]);
      expect(receiver.decodeErrors).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});
