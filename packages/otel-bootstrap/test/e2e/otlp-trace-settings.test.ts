import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runFixture, useReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// The trace exporter's timeout and compression come from the configuration table as the metric and log exporters'
// do: OTEL_EXPORTER_OTLP_TRACES_* over OTEL_EXPORTER_OTLP_*, read case-insensitively, one warning for a bad value.
// Each test runs a real `node --require` child: one-span.js ends one span and exits, so the exit flush exports it.

describe('trace export compression', () => {
  const receiver = useReceiver({ scope: 'test' });

  it.each([
    [{ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, 'gzip'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, 'gzip'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }, undefined],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'none', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'GZIP' }, 'gzip'],
    [{}, undefined],
  ])('with %j sends Content-Encoding %s', async (env, encoding) => {
    const exit = await receiver.runFixture(fixture('one-span.js'), env);
    expect(exit.code).toBe(0);
    expect(receiver.spans.map((s) => s.name)).toEqual(['one-span']);
    expect(receiver.requests.map((r) => r.headers['content-encoding'])).toEqual([encoding]);
  });
});

/** Arrival and end of each trace request on a collector that accepts them and never answers. */
interface HeldRequest {
  readonly arrived: number;
  ended?: number;
}

async function hangingCollector() {
  const held: HeldRequest[] = [];
  const pending = new Set<IncomingMessage>();
  const server: Server = createServer((req) => {
    if (req.url !== '/v1/traces') return;
    const request: HeldRequest = { arrived: Date.now() };
    held.push(request);
    pending.add(req);
    req.resume();
    req.socket.on('close', () => (request.ended = Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('trace export timeout', () => {
  it('ends a trace request after OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, not OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    const collector = await hangingCollector();
    try {
      const exit = await runFixture({
        script: fixture('one-span.js'),
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
          OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300',
          // Without the trace timeout, the exit flush would give the request up at this bound instead.
          OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '8000',
          // Their exports would wait on the hanging collector for the whole bound.
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
      });
      expect(exit.code).toBe(0);
      const [request] = collector.held;
      expect(request.ended).toBeDefined();
      const heldFor = request.ended! - request.arrived;
      // 300 ms, and no retry: the next one would be due after the export's whole timeout has passed.
      expect(heldFor).toBeGreaterThanOrEqual(250);
      expect(heldFor).toBeLessThan(3000);
      expect(collector.held).toHaveLength(1);
    } finally {
      await collector.close();
    }
  });
});

describe('bad values of the OTLP export variables', () => {
  const receiver = useReceiver({ scope: 'test' });

  it('give one warning each, ours, for all three signals together, and every signal is still exported', async () => {
    const bad = {
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'zip',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'zip',
      OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'later',
      OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: 'never',
    };
    const exit = await receiver.runFixture(fixture('tls-export.js'), bad);
    expect(exit.code).toBe(0);
    for (const [name, value] of Object.entries(bad)) {
      const lines = exit.stderr.split('\n').filter((line) => line.includes(`${name} `) || line.includes(`${name}=`));
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^\\[otel-bootstrap\\] warn: ${name}="${value}" is invalid`)),
      ]);
    }
    expect(receiver.spans.map((s) => s.name)).toEqual(['tls-work']);
    expect(receiver.logs.map((l) => l.body)).toEqual(['over tls']);
    expect(receiver.metrics.some((m) => m.name === 'tls.exports')).toBe(true);
  });
});
