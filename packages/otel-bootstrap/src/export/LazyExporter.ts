import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { abandonPending } from './abandon-pending';

/** What LazyExporter builds: a span exporter, or the same shape for log records (logs/start-logs.ts). */
export interface ItemExporter<Item> {
  export(items: Item[], resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Builds the real exporter on its first export, off the app's startup path. The OTLP protobuf exporter brings its
 * transport, encoder and (through otlp-transformer's index) the metrics SDK: a large share of the modules the
 * bootstrap used to load at startup, none of them needed before the first export
 * (bench/findings.md, "Startup without sdk-node").
 */
export class LazyExporter<Item = ReadableSpan> {
  private exporter: ItemExporter<Item> | undefined;
  /** Why the build failed: it is not tried again, since what failed (a missing module) fails the same way each time. */
  private buildError: Error | undefined;

  constructor(private readonly create: () => ItemExporter<Item>) {}

  export(items: Item[], resultCallback: (result: ExportResult) => void): void {
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
    this.exporter.export(items, resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.exporter?.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.exporter?.shutdown();
  }

  abandon(): void {
    abandonPending(this.exporter);
  }
}
