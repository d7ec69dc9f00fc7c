import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { logs } from '@opentelemetry/api';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { readConfig } from '../../src/config/read-config';
import { processorExportTimeout, reportedAsLogs } from '../../src/logs/log-export-results';
import { LogExportError } from '../../src/logs/LogExportError';
import { startLogs } from '../../src/logs/start-logs';
import type { RunningLogs } from '../../src/logs/start-logs';
import { exportFailure } from '../../src/sdk/diagnostics';
import { closedPort, listen } from '../helpers/http';

// What the logs pipeline of start-logs.ts hands the SDK's global error handler, which sdk/diagnostics.ts turns into
// the one line on stderr. The handler also gets the span processor's failures, with no word of the signal: a log
// export's failure must come as a LogExportError, or its line says spans are being dropped.

/** Set by a test to make the OTLP log exporter fail to build, as a missing module would. */
let mockBuildError: Error | undefined;
jest.mock('../../src/logs/create-otlp-log-exporter', () => {
  const actual = jest.requireActual('../../src/logs/create-otlp-log-exporter');
  return {
    ...actual,
    createOtlpLogExporter: (...args: unknown[]) => {
      if (mockBuildError) throw mockBuildError;
      return actual.createOtlpLogExporter(...args);
    },
  };
});

/** Starts the logs pipeline of `env`, emits one record, and resolves with the first error the handler gets. */
async function firstFailure(env: Record<string, string>): Promise<unknown> {
  const { config, warnings } = readConfig({ OTEL_BLRP_SCHEDULE_DELAY: '10', ...env });
  expect(warnings).toEqual([]);
  const failed = new Promise<unknown>((resolve) => setGlobalErrorHandler(resolve));
  const running: RunningLogs | undefined = startLogs(config.logs, resourceFromAttributes({ 'service.name': 'shop' }));
  expect(running).toBeDefined();
  try {
    logs.getLogger('shop').emit({ body: 'order placed' });
    return await failed;
  } finally {
    running!.abandon();
    await running!.shutdown();
  }
}

afterEach(() => {
  mockBuildError = undefined;
  setGlobalErrorHandler(loggingErrorHandler());
  logs.disable();
});

describe('a failed log export, as the global error handler gets it', () => {
  it('is a log export failure when the batch outlasts OTEL_BLRP_EXPORT_TIMEOUT', async () => {
    // A collector that takes the connection and never answers; the request's own timeout is far longer.
    const held: Socket[] = [];
    const collector = createServer((socket) => held.push(socket));
    const endpoint = await listen(collector);
    try {
      const error = await firstFailure({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
        OTEL_BLRP_EXPORT_TIMEOUT: '150',
      });
      // The processor's own timeout error was a bare Error('Timeout'), like the span processor's: "span export failed".
      expect(error).toBeInstanceOf(LogExportError);
      expect(exportFailure(error)).toBe(
        'log export failed, log records are being dropped: Timeout: not exported within OTEL_BLRP_EXPORT_TIMEOUT ' +
          '(150 ms)',
      );
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it('is a log export failure when the OTLP log exporter cannot be built', async () => {
    mockBuildError = new Error("Cannot find module '@opentelemetry/otlp-transformer'");
    const error = await firstFailure({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
    expect(error).toBeInstanceOf(LogExportError);
    expect(exportFailure(error)).toBe(
      "log export failed, log records are being dropped: Cannot find module '@opentelemetry/otlp-transformer'",
    );
  });

  it('is a log export failure when the collector refuses the connection (the exporter marks its own)', async () => {
    const error = await firstFailure({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
    });
    expect(exportFailure(error)).toMatch(
      /^log export failed, log records are being dropped: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
  });
});

describe('reportedAsLogs', () => {
  /** An exporter that answers only when the test calls `answer`, and counts flushes, shutdowns and abandons. */
  function slowExporter() {
    const calls = { forceFlush: 0, shutdown: 0, abandon: 0 };
    let answer: (result: ExportResult) => void = () => undefined;
    const exporter = {
      export: (_records: unknown[], done: (result: ExportResult) => void) => (answer = done),
      forceFlush: async () => void calls.forceFlush++,
      shutdown: async () => void calls.shutdown++,
      abandon: () => void calls.abandon++,
    } as LogRecordExporter;
    return { exporter, calls, answer: (result: ExportResult) => answer(result) };
  }

  it('gives one result per batch: an answer after the deadline is not a second one', async () => {
    const slow = slowExporter();
    const results: ExportResult[] = [];
    reportedAsLogs(slow.exporter, 20).export([], (result) => results.push(result));
    await new Promise((resolve) => setTimeout(resolve, 60));
    slow.answer({ code: ExportResultCode.SUCCESS });
    expect(results.map((r) => [r.code, r.error?.message])).toEqual([
      [ExportResultCode.FAILED, 'Timeout: not exported within OTEL_BLRP_EXPORT_TIMEOUT (20 ms)'],
    ]);
  });

  it('passes an answer within the deadline on as it is, a failure marked as a log export', () => {
    const slow = slowExporter();
    const results: ExportResult[] = [];
    const exporter = reportedAsLogs(slow.exporter, 60_000);
    exporter.export([], (result) => results.push(result));
    slow.answer({ code: ExportResultCode.SUCCESS });
    exporter.export([], (result) => results.push(result));
    slow.answer({ code: ExportResultCode.FAILED, error: new Error('Not Found') });
    expect(results).toEqual([
      { code: ExportResultCode.SUCCESS },
      expect.objectContaining({ code: ExportResultCode.FAILED }),
    ]);
    expect(results[1].error).toBeInstanceOf(LogExportError);
    expect(results[1].error?.message).toBe('Not Found');
  });

  it('hands flush, shutdown and abandon on to the exporter', async () => {
    const slow = slowExporter();
    const exporter = reportedAsLogs(slow.exporter, 1000);
    await exporter.forceFlush();
    await exporter.shutdown();
    exporter.abandon();
    expect(slow.calls).toEqual({ forceFlush: 1, shutdown: 1, abandon: 1 });
  });

  it("leaves the processor's own timeout later, within Node's longest timer", () => {
    expect(processorExportTimeout(30_000)).toBeGreaterThan(30_000);
    expect(processorExportTimeout(2 ** 40)).toBe(2 ** 31 - 1);
  });
});
