import { Agent, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { OtlpHttpTransport } from '../../src/export/OtlpHttpTransport';

const BODY = new Uint8Array([1, 2, 3]);

function transportTo(url: string): OtlpHttpTransport {
  const settings = convertLegacyHttpOptions({ url: `${url}/v1/traces` }, 'TRACES', 'v1/traces', {
    'Content-Type': 'application/x-protobuf',
  });
  // Upstream's agent factory uses import(), which jest's module sandbox refuses.
  return new OtlpHttpTransport({ ...settings, agentFactory: () => new Agent({ keepAlive: true }) }, true);
}

/** An HTTP collector that answers each request with the next of `answers` (the last one repeats). */
async function collector(answers: ((res: ServerResponse) => void)[]) {
  const received: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    received.push(req);
    req.resume().on('end', () => answers[Math.min(received.length, answers.length) - 1](res));
  });
  return { url: await listen(server), received, close: () => close(server) };
}

async function listen(server: Server | TcpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('OtlpHttpTransport', () => {
  it('retries what upstream retries (a 503 with Retry-After), then succeeds', async () => {
    const up = await collector([(res) => res.writeHead(503, { 'retry-after': '0' }).end(), (res) => res.end()]);
    try {
      const result = await transportTo(up.url).send(BODY, 5_000);
      expect(result.status).toBe('success');
      expect(up.received.map((req) => [req.method, req.url, req.headers['content-length']])).toEqual([
        ['POST', '/v1/traces', '3'],
        ['POST', '/v1/traces', '3'],
      ]);
    } finally {
      await up.close();
    }
  });

  it('reports a 400 as a failure with its status, without retrying', async () => {
    const up = await collector([(res) => res.writeHead(400).end('bad')]);
    try {
      const result = await transportTo(up.url).send(BODY, 5_000);
      expect(result).toMatchObject({ status: 'failure', error: { code: 400, data: 'bad' } });
      expect(up.received).toHaveLength(1);
    } finally {
      await up.close();
    }
  });

  it('gives up at once, when abandoned, on a request to a collector that never answers', async () => {
    const sockets = new Set<Socket>();
    const hanging = createTcpServer((socket) => sockets.add(socket));
    const url = await listen(hanging);
    try {
      const transport = transportTo(url);
      const started = Date.now();
      const sending = transport.send(BODY, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      transport.abandon();
      const result = await sending;
      expect(result.status).toBe('failure');
      expect(result.status === 'failure' && result.error.message).toMatch(/abandoned/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(hanging);
    }
  });

  it('gives up on a send waiting to retry, refuses new sends in the same turn, and sends again after', async () => {
    const up = await collector([(res) => res.writeHead(503).end(), (res) => res.end()]);
    try {
      const transport = transportTo(up.url);
      const retrying = transport.send(BODY, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the 503 is in; the retry waits about 1 s
      transport.abandon();
      const refused = await transport.send(BODY, 30_000);
      expect([(await retrying).status, refused.status]).toEqual(['failure', 'failure']);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await transport.send(BODY, 5_000)).status).toBe('success');
      expect(up.received).toHaveLength(2);
    } finally {
      await up.close();
    }
  });
});
