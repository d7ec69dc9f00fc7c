import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * Builds the real exporter on its first export, off the app's startup path. The OTLP protobuf exporter brings its
 * transport, encoder and (through otlp-transformer's index) the metrics SDK: 110 of the 383 modules the bootstrap
 * loaded at startup, measured here.
 */
export class LazyExporter implements SpanExporter {
  private exporter: SpanExporter | undefined;

  constructor(private readonly create: () => SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.exporter ??= this.create();
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
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
}
