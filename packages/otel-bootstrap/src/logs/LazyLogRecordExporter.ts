import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { AbandoningLogRecordExporter } from './create-otlp-log-exporter';

/**
 * Builds the real exporter on its first export, off the app's startup path, as export/LazyExporter.ts does for spans:
 * the OTLP transport and serializers are not needed before the first batch (bench/findings.md, "Startup without
 * sdk-node").
 */
export class LazyLogRecordExporter implements AbandoningLogRecordExporter {
  private exporter: AbandoningLogRecordExporter | undefined;
  /** Why the build failed: it is not tried again, since what failed (a missing module) fails the same way each time. */
  private buildError: Error | undefined;

  constructor(private readonly create: () => AbandoningLogRecordExporter) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (!this.exporter && !this.buildError) {
      try {
        this.exporter = this.create();
      } catch (error) {
        this.buildError = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (!this.exporter) {
      resultCallback({ code: ExportResultCode.FAILED, error: this.buildError });
      return;
    }
    this.exporter.export(records, resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.exporter?.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.exporter?.shutdown();
  }

  abandon(): void {
    this.exporter?.abandon();
  }
}
