import { connect } from 'node:net';
import { startFixture } from '@org/otel-testing';
import { fixture } from '../helpers/http';
import { fuzzCases } from '../helpers/fuzz-headers';
import type { FuzzCase } from '../helpers/fuzz-headers';

const CASES = 10_000;
const SEED = 20261122;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[0-3]$/;
// W3C Trace Context Level 2: a key is a lowercase letter or digit, then up to 255 of [a-z0-9_-*/@]
const TRACESTATE_MEMBER =
  /^[a-z0-9][_0-9a-z\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Sends one request with exactly these header lines on its own connection; resolves with status and body. */
function send(port: number, path: string, lines: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        body: text.split('\r\n\r\n').slice(1).join(''),
      });
    });
  });
}

/** What a correct implementation must have sent downstream for one case; an empty list means it did. */
function problemsWith(fuzz: FuzzCase, downstream: Record<string, string | null>): string[] {
  const problems: string[] = [];
  const match = TRACEPARENT.exec(downstream.traceparent ?? '');
  if (!match || /^0+$/.test(match[1])) return [`malformed traceparent downstream: ${downstream.traceparent}`];
  const traceId = match[1];
  if (fuzz.acceptedTraceId && traceId !== fuzz.acceptedTraceId) problems.push('a valid context was not continued');
  if (!fuzz.acceptedTraceId && fuzz.lines.join('\n').toLowerCase().includes(traceId)) {
    problems.push('an invalid context was continued');
  }
  if (downstream.tracestate !== null) {
    const members = downstream.tracestate.split(',').map((m) => m.trim());
    if (members.length > 32 || !members.every((m) => TRACESTATE_MEMBER.test(m))) {
      problems.push(`invalid tracestate propagated: ${downstream.tracestate.slice(0, 80)}`);
    }
  }
  if (downstream.baggage !== null && /[\x00-\x1f\x7f]/.test(downstream.baggage)) {
    problems.push('control characters propagated in baggage');
  }
  if (downstream.xTraceId !== traceId) problems.push(`x-trace-id ${downstream.xTraceId} is not the trace id`);
  return problems;
}

describe(`fuzzing traceparent, tracestate, baggage and X-Trace-ID (${CASES} cases, seed ${SEED})`, () => {
  it('never crashes, ignores every invalid context, propagates nothing invalid and logs nothing raw', async () => {
    const server = startFixture({
      script: fixture('fuzz-server.js'),
      env: {
        OTEL_PROPAGATORS: 'tracecontext,baggage,xtraceid',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
        OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT: '1000',
        OTEL_LOG_LEVEL: 'error',
      },
    });
    const [, portText] = await server.waitForLine(/listening (\d+)/);
    const port = Number(portText);
    const cases = fuzzCases(CASES, SEED);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const fuzz = cases[index];
        const response = await send(port, `/case/${index}`, fuzz.lines);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 400 || response.status === 431) continue; // Node refused the request itself
        if (response.status !== 200) {
          failures.push(`case ${index} (${fuzz.kind}): status ${response.status}`);
          continue;
        }
        for (const problem of problemsWith(fuzz, JSON.parse(response.body))) {
          failures.push(`case ${index} (${fuzz.kind}): ${problem}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    server.kill('SIGTERM');
    const exit = await server.exited;

    console.log(`${CASES} fuzz cases, seed ${SEED}: responses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 20)).toEqual([]);
    // Node refuses some requests itself (400); most must reach the instrumentation for the test to mean anything.
    expect(statuses.get(200)).toBeGreaterThan(CASES / 2);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('problems {"unhandledRejections":0,"uncaughtExceptions":0}');
    // Every log line is well-formed JSON and carries no header value: only the path and the trace ids.
    const logs = exit.stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(logs.length).toBe(statuses.get(200));
    for (const line of logs) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(record).sort()).toEqual(
        ['hostname', 'level', 'msg', 'path', 'pid', 'span_id', 'time', 'trace_flags', 'trace_id'].sort(),
      );
    }
    expect(exit.stdout + exit.stderr).not.toMatch(/[\x01\x7f]/);
  });
});
