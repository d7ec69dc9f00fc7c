import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { readConfig } from '../config/read-config';
import type { BootstrapConfig, ExportConfig } from '../config/read-config';
import { createOtlpExporter } from '../export/create-exporter';
import { resourceAttributes } from '../sdk/resource';
import { unsupportedNode } from '../sdk/node-version';
import { probeApp } from './app-probe';
import { checkEndpoint } from './endpoint-check';
import { samplingLines } from './sampling-summary';
import { checkSignals, failedSignal } from './signal-checks';
import type { SignalReport } from './signal-checks';
import type { StepResult } from './endpoint-check';

/** `doctor`'s exit codes: the first step that failed decides, so scripts can tell the outcomes apart. */
export const EXIT = {
  ok: 0,
  error: 1,
  badConfiguration: 2,
  endpointUnreachable: 3,
  exportFailed: 4,
  jaegerUnreachable: 5,
  traceNotFound: 6,
  nodeUnsupported: 7,
  instrumentationFailed: 8,
  /** Everything else passed, but the OTLP endpoint of metrics or logs did not answer. */
  signalEndpointUnreachable: 9,
} as const;

export interface DoctorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long to wait for Jaeger to show the test trace. */
  readonly waitMs: number;
  readonly skipJaeger: boolean;
  /** The app's folder: its installed bootstrap and libraries are the ones checked. */
  readonly cwd: string;
}

export interface DoctorStep extends StepResult {
  readonly name: 'node' | 'instrumentation' | 'endpoint' | 'test span' | 'jaeger';
}

export interface DoctorReport {
  readonly exitCode: number;
  readonly configuration: Record<string, string>;
  readonly warnings: string[];
  readonly steps: DoctorStep[];
  /** Each signal's exporter and, for OTLP, whether its endpoint answers. */
  readonly signals?: SignalReport[];
  readonly traceId?: string;
  readonly traceUrl?: string;
}

/** Runs every check in order and stops at the first that fails. Never throws. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { config, warnings } = readConfig(options.env);
  // Named from the working directory's package.json (the app being diagnosed), not from this CLI's location.
  const serviceName = resourceAttributes(config.resource, undefined)['service.name'];
  const report = {
    configuration: describe(config, serviceName),
    warnings: warnings.map((w) => w.message),
    steps: [] as DoctorStep[],
  };
  const timeoutMs = Math.min(config.export.timeoutMs, 5000);
  const fail = (code: number, extra: Partial<DoctorReport> = {}): DoctorReport => ({
    ...report,
    ...extra,
    exitCode: code,
  });

  const unsupported = unsupportedNode();
  report.steps.push({
    name: 'node',
    ok: !unsupported,
    detail: unsupported ?? `Node.js ${process.versions.node}`,
    ...(unsupported ? { hint: 'apps on this Node run without tracing: upgrade to Node 24 LTS' } : {}),
  });
  if (unsupported) return fail(EXIT.nodeUnsupported);

  if (!config.sdk.disabled) {
    const probe = await probeApp(config.instrumentation, options.env, options.cwd);
    report.steps.push({ name: 'instrumentation', ...probe });
    if (!probe.ok) return fail(EXIT.instrumentationFailed);
  }

  const endpoint = await checkEndpoint(config.export, timeoutMs);
  report.steps.push({ name: 'endpoint', ...endpoint });
  // Metrics and logs are reported whatever happens next; their endpoints decide the exit only after every step.
  const signals = await checkSignals(config, endpoint, timeoutMs);
  Object.assign(report, { signals });
  if (!endpoint.ok) return fail(EXIT.endpointUnreachable);

  const sent = await sendTestSpan({ ...config.export, timeoutMs }, serviceName);
  report.steps.push({ name: 'test span', ...sent.step });
  if (!sent.step.ok) return fail(EXIT.exportFailed);
  const { jaegerUrl } = config.sdk;
  const traceUrl = `${jaegerUrl.replace(/\/$/, '')}/trace/${sent.traceId}`;

  if (!options.skipJaeger) {
    const lookup = await findInJaeger(jaegerUrl, sent.traceId, options.waitMs);
    report.steps.push({ name: 'jaeger', ...lookup.step });
    if (!lookup.step.ok)
      return fail(lookup.reachable ? EXIT.traceNotFound : EXIT.jaegerUnreachable, { traceId: sent.traceId });
  }
  if (failedSignal(signals)) return fail(EXIT.signalEndpointUnreachable, { traceId: sent.traceId, traceUrl });
  // A deprecated name still works, so it is reported but is no bad configuration.
  const bad = warnings.some((warning) => !warning.deprecated);
  return fail(bad ? EXIT.badConfiguration : EXIT.ok, { traceId: sent.traceId, traceUrl });
}

/** The effective configuration, from the same sections the app is built from, with header values masked. */
function describe(config: BootstrapConfig, serviceName: string): Record<string, string> {
  const headers = Object.keys(config.export.headers).map((key) => `${key}=***`);
  return {
    'service.name': serviceName,
    enabled: config.sdk.disabled ? 'no (OTEL_SDK_DISABLED=true)' : 'yes',
    exporter: exporterLine(config.export),
    'traces endpoint': `${config.export.tracesUrl} (${config.export.protocol})`,
    'export headers': headers.length > 0 ? headers.join(', ') : 'none',
    ...samplingLines(config.sampling),
    propagators: config.sdk.propagators.join(', ') || 'none',
    instrumentations: config.instrumentation.enabled.join(', '),
    redaction: config.redaction.enabled ? 'on' : 'OFF',
    'jaeger url': config.sdk.jaegerUrl,
  };
}

/** Apps send nowhere with `none`, and only to stderr with `terminal`, whatever the endpoint check below finds. */
function exporterLine(config: ExportConfig): string {
  if (config.exporter === 'none') return 'none (OTEL_TRACES_EXPORTER=none): apps export nothing';
  if (config.exporter === 'terminal') return 'terminal (OTEL_TRACES_EXPORTER): apps print traces on stderr';
  return config.terminalFallback ? 'otlp, printing trees on stderr while no collector answers' : 'otlp';
}

async function sendTestSpan(config: ExportConfig, serviceName: string) {
  const exporter = createOtlpExporter(config);
  let result: ExportResult | undefined;
  const capturing: SpanExporter = {
    export: (spans: ReadableSpan[], done: (r: ExportResult) => void) =>
      exporter.export(spans, (r) => {
        result = r;
        done(r);
      }),
    shutdown: () => exporter.shutdown(),
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: capturing })],
  });
  const span = provider.getTracer('otel-bootstrap-doctor').startSpan('otel-bootstrap doctor', {
    attributes: { 'otel_bootstrap.doctor': true },
  });
  const traceId = span.spanContext().traceId;
  span.end();
  // A refused export rejects the flush; the captured result below says what happened.
  await provider.forceFlush().catch(() => undefined);
  await provider.shutdown().catch(() => undefined);
  const step: StepResult =
    result?.code === ExportResultCode.SUCCESS
      ? { ok: true, detail: `exported one span, trace id ${traceId}` }
      : {
          ok: false,
          detail: `the export failed: ${result?.error?.message ?? 'no answer'}`,
          hint: 'the endpoint answered the check but refused a real span: see its logs',
        };
  return { step, traceId };
}

async function findInJaeger(jaegerUrl: string, traceId: string, waitMs: number) {
  const url = `${jaegerUrl.replace(/\/$/, '')}/api/v3/traces/${traceId}`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    let status: number;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return {
        reachable: false,
        step: {
          ok: false,
          detail: `${jaegerUrl}: ${cause?.code ?? cause?.message ?? String(error)}`,
          hint: "Jaeger's query API does not answer there: start it, or set OTEL_BOOTSTRAP_JAEGER_URL",
        },
      };
    }
    if (status === 200) {
      return { reachable: true, step: { ok: true, detail: `found: ${jaegerUrl.replace(/\/$/, '')}/trace/${traceId}` } };
    }
    if (status !== 404 || Date.now() >= deadline) {
      return {
        reachable: true,
        step: {
          ok: false,
          detail: `${url} answered ${status} after ${waitMs} ms`,
          hint:
            status === 404
              ? 'the span was accepted but Jaeger does not have it: the endpoint is another collector, or one that ' +
                'does not forward to this Jaeger'
              : "Jaeger's query API answered with an error",
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
