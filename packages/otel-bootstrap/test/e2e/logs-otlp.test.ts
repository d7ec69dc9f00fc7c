import { useReceiver } from '@org/otel-testing';
import type { ReceivedLogRecord } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

/** The ids the fixture printed for its `work` span. */
function workIds(stdout: string): { trace_id: string; span_id: string } {
  const line = stdout.split('\n').find((l) => l.startsWith('{"work"'));
  return (JSON.parse(String(line)) as { work: { trace_id: string; span_id: string } }).work;
}

/**
 * A fixture's stdout lines without what differs from run to run: times, process ids, trace and span ids, and the
 * order of lines (pino writes through its own stream, winston and console.log through process.stdout).
 */
function normalized(stdout: string): string[] {
  return stdout
    .replace(/"time":\d+/g, '"time":0')
    .replace(/"pid":\d+/g, '"pid":0')
    .replace(/\b[0-9a-f]{32}\b/g, '<trace id>')
    .replace(/\b[0-9a-f]{16}\b/g, '<span id>')
    .split('\n')
    .sort();
}

const byLogger = (a: ReceivedLogRecord, b: ReceivedLogRecord) =>
  String(a.attributes.logger).localeCompare(String(b.attributes.logger));

describe.each(['http/protobuf', 'http/json'])('pino and winston records over OTLP (%s)', (protocol) => {
  const receiver = useReceiver({
    scope: 'test',
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '50' },
  });

  it('exports every record with its severity, body and attributes, in the span it was logged in', async () => {
    const exit = await receiver.runFixture(fixture('logs-otlp.js'), { OTEL_SERVICE_NAME: 'logs-otlp' });
    expect(exit.code).toBe(0);
    await receiver.waitForLogs((logs) => logs.length >= 4);
    await receiver.waitFor((spans) => spans.some((s) => s.name === 'work'));
    const ids = workIds(exit.stdout);
    // logs-otlp: work [INTERNAL]      <- both "in span" records carry its trace and span ids
    expect(receiver.spans.find((s) => s.name === 'work')).toMatchObject({ traceId: ids.trace_id, spanId: ids.span_id });

    const inSpan = receiver.logs.filter((l) => l.body === 'in span').sort(byLogger);
    const secretFree = {
      orderId: 'o-1',
      password: '[REDACTED]',
      callback: 'https://shop.example/cb?token=[REDACTED]&step=2',
    };
    expect(
      inSpan.map(({ severityNumber, severityText, attributes, traceId, spanId, service }) => ({
        severityNumber,
        severityText,
        attributes,
        traceId,
        spanId,
        service,
      })),
    ).toEqual([
      {
        severityNumber: 9,
        severityText: 'info',
        attributes: { logger: 'pino', ...secretFree },
        traceId: ids.trace_id,
        spanId: ids.span_id,
        service: 'logs-otlp',
      },
      {
        severityNumber: 13,
        severityText: 'warn',
        attributes: { logger: 'winston', ...secretFree },
        traceId: ids.trace_id,
        spanId: ids.span_id,
        service: 'logs-otlp',
      },
    ]);
    for (const record of inSpan) expect(record.flags & 1).toBe(1); // sampled

    // Outside any span a record carries no ids.
    const startup = receiver.logs.filter((l) => l.body === 'startup');
    expect(startup.map((l) => [l.attributes.logger, l.traceId, l.spanId]).sort()).toEqual([
      ['pino', '', ''],
      ['winston', '', ''],
    ]);

    // The secrets never left the process, in any form.
    const bytes = Buffer.concat(receiver.logRequests.map((r) => r.body)).toString('latin1');
    expect(bytes).not.toMatch(/hunter2|t0k3n/);
    expect(receiver.logRequests[0].contentType).toBe(
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    );
    expect(receiver.decodeErrors).toEqual([]);
  });
});

describe('an ESM app under --import', () => {
  const receiver = useReceiver({
    scope: 'test',
    env: { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '50' },
  });

  it('exports its pino and winston records too, redacted, with the span’s ids', async () => {
    const exit = await receiver.runFixture(fixture('logs-otlp.mjs'), {}, { mode: 'import' });
    expect(exit.code).toBe(0);
    await receiver.waitForLogs((logs) => logs.length >= 2);
    const ids = workIds(exit.stdout);
    expect(
      receiver.logs
        .sort(byLogger)
        .map((l) => [l.attributes.logger, l.severityText, l.body, l.attributes.password, l.traceId, l.spanId]),
    ).toEqual([
      ['pino', 'info', 'in span', '[REDACTED]', ids.trace_id, ids.span_id],
      ['winston', 'warn', 'in span', '[REDACTED]', ids.trace_id, ids.span_id],
    ]);
  });
});

describe('logs switched off, and what the app prints', () => {
  const receiver = useReceiver({
    scope: 'test',
    env: { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '50' },
  });

  it('sends nothing to /v1/logs with OTEL_LOGS_EXPORTER=none, and prints the same lines as with logs exported', async () => {
    const off = await receiver.runFixture(fixture('logs-otlp.js'), { OTEL_LOGS_EXPORTER: 'none' });
    expect(off.code).toBe(0);
    await receiver.waitFor((spans) => spans.some((s) => s.name === 'work'));
    expect(receiver.logRequests).toEqual([]);

    const on = await receiver.runFixture(fixture('logs-otlp.js'));
    await receiver.waitForLogs((logs) => logs.length >= 4);
    // pino's and winston's own lines, secrets included (redaction is for what leaves the process, not the app's
    // own output): exactly the same with the records exported.
    expect(normalized(on.stdout)).toEqual(normalized(off.stdout));
    expect(on.stdout).toContain('"password":"hunter2"');
    expect(on.stdout.split('\n').filter((l) => l.includes('"in span"'))).toHaveLength(2);
  });

  it('sends the last line logged before SIGTERM', async () => {
    // Batches every minute: only the exit flush can send the records in time.
    const { fixture: service, url } = await receiver.startService(
      fixture('logs-otlp.js'),
      { OTEL_BLRP_SCHEDULE_DELAY: '60000' },
      { args: ['serve'] },
    );
    await get(`${url}/`);
    for (let waited = 0; service.stdout.split('"last line"').length < 3 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    service.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit.code).toBe(143);
    const last = receiver.logs.filter((l) => l.body === 'last line');
    expect(last.map((l) => [l.attributes.logger, l.severityText]).sort()).toEqual([
      ['pino', 'error'],
      ['winston', 'error'],
    ]);
  });
});
