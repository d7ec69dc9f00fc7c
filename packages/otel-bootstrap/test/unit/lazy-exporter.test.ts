import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { readConfig } from '../../src/config/read-config';
import { createOtlpExporter } from '../../src/export/create-exporter';
import { LazyExporter } from '../../src/export/LazyExporter';

const send = (exporter: SpanExporter) =>
  new Promise<ExportResult>((resolve) => exporter.export([], (result) => resolve(result)));

describe('LazyExporter', () => {
  it('builds the real exporter on the first export only, and never for a flush or shutdown before it', async () => {
    let built = 0;
    const exported: number[] = [];
    const lazy = new LazyExporter(() => {
      built++;
      return {
        export: (spans, done) => {
          exported.push(spans.length);
          done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: () => Promise.resolve(),
      };
    });
    await lazy.forceFlush();
    expect(built).toBe(0);
    expect((await send(lazy)).code).toBe(ExportResultCode.SUCCESS);
    await send(lazy);
    expect([built, exported]).toEqual([1, [0, 0]]);
    await lazy.shutdown();
    await expect(new LazyExporter(() => ({}) as SpanExporter).shutdown()).resolves.toBeUndefined();
  });

  it('reports a failure to build as a failed export, never as a throw, and does not build again', async () => {
    let attempts = 0;
    const lazy = new LazyExporter(() => {
      attempts++;
      throw new Error('no encoder');
    });
    const results = [await send(lazy), await send(lazy)];
    expect(results.map((r) => [r.code, r.error?.message])).toEqual([
      [ExportResultCode.FAILED, 'no encoder'],
      [ExportResultCode.FAILED, 'no encoder'],
    ]);
    expect(attempts).toBe(1);
  });
});

describe('createOtlpExporter', () => {
  const exporterFor = (env: Record<string, string>) => createOtlpExporter(readConfig(env).config.export);

  it("uses our protobuf encoder by default and upstream's exporter when asked", async () => {
    const ours = exporterFor({});
    const upstream = exporterFor({ OTEL_BOOTSTRAP_PROTOBUF_ENCODER: 'upstream' });
    expect([ours instanceof OTLPTraceExporter, upstream instanceof OTLPTraceExporter]).toEqual([false, true]);
    await Promise.all([ours.shutdown(), upstream.shutdown()]);
  });
});

describe('our protobuf exporter', () => {
  it('reports a batch it cannot encode as a failed export, never as a throw', async () => {
    const exporter = createOtlpExporter(
      readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }).config.export,
    );
    const unencodable = {
      name: 'x',
      resource: { attributes: {} },
      instrumentationScope: { name: 's' },
      spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
      get attributes(): never {
        throw new Error('a getter that throws');
      },
    } as unknown as ReadableSpan;
    const result = await new Promise<ExportResult>((resolve) => exporter.export([unencodable], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    await exporter.shutdown();
  });
});
