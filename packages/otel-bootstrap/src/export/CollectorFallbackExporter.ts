import { connect } from 'node:net';
import { diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { abandonPending } from './abandon-pending';
import type { AbandoningExporter } from './abandon-pending';

/** Answers whether something accepts connections at the URL's host and port. Never rejects. */
export type ReachabilityProbe = (url: string) => Promise<boolean>;

/** How long one probe's answer is trusted: an export every few seconds should not mean a connect every time. */
const PROBE_TTL_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Our embedded default when nobody configured an endpoint: send over OTLP while a collector listens at the default
 * address, and print each trace in the terminal while none does, so `node --require @org/otel-bootstrap app.js`
 * shows something on a laptop with no Jaeger running. It switches back as soon as a collector answers.
 */
export class CollectorFallbackExporter implements AbandoningExporter {
  private probed: { at: number; answer: Promise<boolean> } | undefined;
  private collectorSeen: boolean | undefined;

  constructor(
    private readonly otlp: SpanExporter,
    private readonly terminal: SpanExporter,
    private readonly url: string,
    private readonly probe: ReachabilityProbe = probeTcp,
    private readonly now: () => number = Date.now,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let answered = false;
    const answer = (result: ExportResult) => {
      if (answered) return;
      answered = true;
      resultCallback(result);
    };
    this.collectorAnswers()
      .then((answers) => {
        this.reportChange(answers);
        (answers ? this.otlp : this.terminal).export(spans, answer);
      })
      // Nothing here may become an unhandled rejection in the app.
      .catch((error: unknown) => answer({ code: ExportResultCode.FAILED, error: error as Error }));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([this.otlp.forceFlush?.(), this.terminal.forceFlush?.()]);
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.otlp.shutdown(), this.terminal.shutdown()]);
  }

  abandon(): void {
    abandonPending(this.otlp);
  }

  private collectorAnswers(): Promise<boolean> {
    const now = this.now();
    if (!this.probed || now - this.probed.at >= PROBE_TTL_MS) {
      this.probed = { at: now, answer: this.probe(this.url).catch(() => false) };
    }
    return this.probed.answer;
  }

  private reportChange(answers: boolean): void {
    if (answers === this.collectorSeen) return;
    const first = this.collectorSeen === undefined;
    this.collectorSeen = answers;
    if (!answers) {
      diag.warn(
        `no OTLP collector answers at ${this.url}: each finished trace is printed to stderr until one does. ` +
          'Set OTEL_EXPORTER_OTLP_ENDPOINT to send elsewhere, or OTEL_TRACES_EXPORTER=otlp to never print.',
      );
    } else if (!first) {
      diag.info(`an OTLP collector answers at ${this.url}: traces are sent there again.`);
      // Print what the terminal still holds now, rather than keep it until shutdown.
      void this.terminal.forceFlush?.().catch(() => undefined);
    }
  }
}

/** A TCP connect to the URL's host and port, closed at once. Unref'd, so it never keeps the process alive. */
export function probeTcp(url: string): Promise<boolean> {
  const target = URL.parse(url);
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const { hostname, port, protocol } = target;
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || defaultPort(protocol) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.unref();
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}
