import { connect } from 'node:net';
import { useReceiver } from '@org/otel-testing';
import type { RunningFixture } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

interface LogLine {
  logger?: string;
  msg?: string;
  message?: string;
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/** The JSON log lines a fixture wrote, with the message under one name whichever logger wrote it. */
function logLines(stdout: string): (LogLine & { text: string })[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
    .map((line) => ({ ...line, text: String(line.msg ?? line.message) }));
}

/** Sends a request with exactly these raw header lines, bypassing the client-side checks of node:http. */
function rawGet(port: number, path: string, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headerLines.join('\r\n')}\r\n\r\n`);
    });
    let response = '';
    socket
      .on('data', (chunk) => (response += chunk))
      .on('end', () => resolve(response))
      .on('error', reject);
  });
}

describe('logs, helpers and trace ids at the edges', () => {
  const receiver = useReceiver({
    scope: 'test',
    env: {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_PROPAGATORS: 'tracecontext,baggage,xtraceid',
      OTEL_BOOTSTRAP_TRACERESPONSE: 'true',
    },
  });
  let service: RunningFixture;
  let port: number;

  beforeEach(async () => {
    ({ fixture: service, port } = await receiver.startService(fixture('logs-service.js'), {
      OTEL_SERVICE_NAME: 'logs-svc',
    }));
  });

  it('puts the same ids into pino and winston records and the exported spans, and none outside spans', async () => {
    const response = await get(`http://127.0.0.1:${port}/log`);
    const ids = JSON.parse(response.body) as { trace_id: string; span_id: string };
    await receiver.waitForSpans(1);
    const server = receiver.spans.find((s) => s.kind === 'SERVER');
    expect(ids).toEqual({ trace_id: server?.traceId, span_id: server?.spanId });

    // The log lines travel through the child's stdout pipe: under load they can arrive after the response.
    const inRequestLines = () => logLines(service.stdout).filter((l) => l.text === 'in request');
    for (let waited = 0; inRequestLines().length < 2 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = logLines(service.stdout);
    const inRequest = lines.filter((l) => l.text === 'in request');
    // The two loggers write independently, so their lines can arrive in either order.
    const byLogger = (a: LogLine, b: LogLine) => String(a.logger).localeCompare(String(b.logger));
    expect(inRequest.sort(byLogger).map((l) => [l.logger, l.trace_id, l.span_id, l.trace_flags])).toEqual([
      ['pino', ids.trace_id, ids.span_id, '03'],
      ['winston', ids.trace_id, ids.span_id, '03'],
    ]);
    const startup = lines.filter((l) => l.text === 'startup');
    expect(startup).toHaveLength(2);
    for (const line of startup) expect(line.trace_id ?? line.span_id ?? line.trace_flags).toBeUndefined();
  });

  it('answers with a traceresponse header naming the server span', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/log`);
    await receiver.waitForSpans(1);
    const server = receiver.spans.find((s) => s.kind === 'SERVER');
    expect(response.headers.get('traceresponse')).toBe(`00-${server?.traceId}-${server?.spanId}-03`);
  });

  it('traced(): the return value passes through; a rejection gives an exception event and ERROR, and is rethrown', async () => {
    expect(JSON.parse((await get(`http://127.0.0.1:${port}/charge`)).body)).toEqual({ result: 'charged' });
    expect(await get(`http://127.0.0.1:${port}/charge?fail=1`)).toEqual({
      status: 500,
      body: JSON.stringify({ error: 'card declined' }),
    });
    await receiver.waitFor((spans) => spans.filter((s) => s.name === 'charge').length === 2);
    const [ok, failed] = receiver.spans.filter((s) => s.name === 'charge');
    expect(ok).toMatchObject({ status: { code: 'UNSET' }, events: [], attributes: { 'order.id': 'o-1' } });
    expect(failed.status).toEqual({ code: 'ERROR', message: 'card declined' });
    expect(
      failed.events.map((e) => [e.name, e.attributes['exception.message'], e.attributes['exception.type']]),
    ).toEqual([['exception', 'card declined', 'Error']]);
    // logs-svc: GET [SERVER]
    // └── logs-svc: charge [INTERNAL] ! ERROR
    const server = receiver.spans.find((s) => s.kind === 'SERVER' && s.traceId === failed.traceId);
    expect(failed.parentSpanId).toBe(server?.spanId);
  });

  it('gives a background job a root trace of its own, then restores the request context', async () => {
    const { request, job } = JSON.parse((await get(`http://127.0.0.1:${port}/job`)).body);
    await receiver.waitFor(
      (spans) => spans.some((s) => s.name === 'nightly-job') && spans.some((s) => s.kind === 'SERVER'),
    );
    const jobSpan = receiver.spans.find((s) => s.name === 'nightly-job');
    expect(jobSpan).toMatchObject({ traceId: job.trace_id, spanId: job.span_id, parentSpanId: '' });
    expect(job.trace_id).not.toBe(request.trace_id);
    const byText = (text: string) =>
      logLines(service.stdout)
        .filter((l) => l.text === text)
        .map((l) => l.trace_id);
    expect(byText('before job')).toEqual([request.trace_id, request.trace_id]);
    expect(byText('in job')).toEqual([job.trace_id, job.trace_id]);
    expect(byText('after job')).toEqual([request.trace_id, request.trace_id]);
  });

  it('uses a UUID correlation id as the job trace id, and records any correlation id as an attribute', async () => {
    const uuid = await get(`http://127.0.0.1:${port}/job?correlation=550e8400-e29b-41d4-a716-446655440000`);
    const other = await get(`http://127.0.0.1:${port}/job?correlation=batch-2026-11-22`);
    expect(JSON.parse(uuid.body).job.trace_id).toBe('550e8400e29b41d4a716446655440000');
    expect(JSON.parse(other.body).job.trace_id).toMatch(/^[0-9a-f]{32}$/);
    await receiver.waitFor((spans) => spans.filter((s) => s.name === 'nightly-job').length === 2);
    const jobs = receiver.spans.filter((s) => s.name === 'nightly-job');
    expect(jobs.map((s) => s.attributes['app.correlation_id'])).toEqual([
      '550e8400-e29b-41d4-a716-446655440000',
      'batch-2026-11-22',
    ]);
    expect(jobs[0].traceId).toBe('550e8400e29b41d4a716446655440000');
    expect(jobs[1].traceId).not.toContain('batch');
  });

  it('joins a legacy caller that sends only X-Trace-ID to the W3C trace, keeping its id end to end', async () => {
    const downstream = await receiver.startService(fixture('logs-service.js'), { OTEL_SERVICE_NAME: 'next-svc' });
    const response = await get(`http://127.0.0.1:${port}/call?to=${downstream.url}`, {
      'X-Trace-ID': '550E8400-E29B-41D4-A716-446655440000',
    });
    const seenDownstream = JSON.parse(response.body);
    const traceId = '550e8400e29b41d4a716446655440000';
    expect(seenDownstream.xTraceId).toBe(traceId); // old services downstream log the same id
    expect(seenDownstream.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length === 2);
    expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  });

  it.each([
    ['a newline-looking value', ['X-Trace-ID: 550e8400e29b41d4a716446655440000%0d%0aInjected: yes']],
    ['10 KB', [`X-Trace-ID: ${'a'.repeat(10_240)}`]],
    ['non-hex', ['X-Trace-ID: zz0e8400e29b41d4a716446655440000']],
    ['all zeros', ['X-Trace-ID: 00000000000000000000000000000000']],
    ['a UUID with junk after it', ['X-Trace-ID: 550e8400-e29b-41d4-a716-446655440000; rm -rf /']],
    ['two of them', ['X-Trace-ID: 550e8400e29b41d4a716446655440000', 'X-Trace-ID: 660e8400e29b41d4a716446655440000']],
    ['a control character', ['X-Request-ID: 550e8400e29b41d4a71644665544\u00010000']],
  ])(
    'ignores a hostile X-Trace-ID (%s): a new trace starts and the value reaches no span or log',
    async (_label, lines) => {
      const response = await rawGet(Number(port), '/log', lines);
      expect(response).toMatch(/^HTTP\/1\.1 (200|400)/); // Node itself refuses some of these outright
      await get(`http://127.0.0.1:${port}/log`); // the service is still answering
      await receiver.waitFor((spans) => spans.filter((s) => s.kind === 'SERVER').length >= 1);
      const hostileIds = lines.map((line) => line.split(': ')[1].replace(/-/g, '').toLowerCase().slice(0, 32));
      for (const span of receiver.spans) expect(hostileIds).not.toContain(span.traceId);
      const wire = receiver.requests.map((r) => r.body.toString('latin1')).join('');
      const logs = service.stdout;
      for (const line of lines) {
        const value = line.split(': ')[1];
        expect(wire).not.toContain(value);
        expect(logs).not.toContain(value.slice(0, 40));
      }
    },
  );
});
