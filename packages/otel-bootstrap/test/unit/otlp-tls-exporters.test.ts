import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { OtlpReceiver } from '@org/otel-testing';
import { readConfig } from '../../src/config/read-config';
import { createOtlpExporter } from '../../src/export/create-exporter';
import { createOtlpLogExporter } from '../../src/logs/create-otlp-log-exporter';
import { createOtlpMetricExporter } from '../../src/metrics/exemplars/create-otlp-metric-exporter';
import { certificateFolder } from '../helpers/certificates';
import type { CertificateFolder, SelfSigned } from '../helpers/certificates';

// The three OTLP exporters, built from the configuration as the bootstrap builds them, against an https receiver
// whose self-signed certificate only OTEL_EXPORTER_OTLP_CERTIFICATE makes trusted. Inside jest too, where the agent
// of upstream's exporters cannot load (it imports node:https with import(), which jest refuses without
// --experimental-vm-modules); test/e2e/otlp-tls.test.ts does the same in a real `node --require` process.

let certificates: CertificateFolder;
let server: SelfSigned;
const receiver = new OtlpReceiver();

beforeAll(async () => {
  certificates = certificateFolder();
  server = certificates.selfSigned('receiver');
  await receiver.start(0, { key: server.key, cert: server.cert });
});
afterAll(async () => {
  await receiver.stop();
  certificates.remove();
});

const exportWith = (send: (done: (result: ExportResult) => void) => void) => new Promise<ExportResult>(send);

/** The configuration of an app that trusts the receiver through `trust`, or trusts nothing more. */
function configTrusting(trust: Record<string, string> = {}) {
  return readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_TIMEOUT: '2000', ...trust }).config;
}

/** One empty export of each signal, with its result code. */
async function exportEach(trust?: Record<string, string>) {
  const config = configTrusting(trust);
  const traces = createOtlpExporter(config.export);
  const logs = createOtlpLogExporter(config.logs.otlp);
  const metrics = createOtlpMetricExporter(
    { ...config.metrics.otlp, headers: {}, temporalityPreference: 'cumulative' },
    undefined,
  );
  try {
    return {
      traces: (await exportWith((done) => traces.export([], done))).code,
      logs: (await exportWith((done) => logs.export([], done))).code,
      metrics: (await exportWith((done) => metrics.export({ resource: emptyResource(), scopeMetrics: [] }, done))).code,
    };
  } finally {
    await Promise.all([traces.shutdown(), logs.shutdown(), metrics.shutdown()]);
  }
}

describe('the OTLP exporters of every signal, inside jest', () => {
  it('reach an https receiver trusted through OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const before = [receiver.requests.length, receiver.logRequests.length, receiver.metricRequests.length];
    expect(await exportEach({ OTEL_EXPORTER_OTLP_CERTIFICATE: server.certPath })).toEqual({
      traces: ExportResultCode.SUCCESS,
      logs: ExportResultCode.SUCCESS,
      metrics: ExportResultCode.SUCCESS,
    });
    const after = [receiver.requests.length, receiver.logRequests.length, receiver.metricRequests.length];
    expect(after.map((count, i) => count - before[i])).toEqual([1, 1, 1]);
  });

  it('fail, without throwing, when nothing makes the receiver trusted (the check above can fail)', async () => {
    expect(await exportEach()).toEqual({
      traces: ExportResultCode.FAILED,
      logs: ExportResultCode.FAILED,
      metrics: ExportResultCode.FAILED,
    });
  });
});
