import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { abandonPending } from './abandon-pending';
import type { AbandoningExporter } from './abandon-pending';

/**
 * Builds the real exporter on its first export, off the app's startup path. The OTLP protobuf exporter brings its
 * transport, encoder and (through otlp-transformer's index) the metrics SDK: a large share of the modules the
 * bootstrap used to load at startup, none of them needed before the first export
 * (bench/findings.md, "Startup without sdk-node").
 */
export class LazyExporter implements AbandoningExporter {
  private exporter: SpanExporter | undefined;
  /** Why the build failed: it is not tried again, since what failed (a missing module) fails the same way each time. */
  private buildError: Error | undefined;

  constructor(private readonly create: () => SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
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
    this.exporter.export(spans, resultCallback);
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
