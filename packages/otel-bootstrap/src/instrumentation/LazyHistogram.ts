import { metrics, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context, Histogram, MeterProvider, MetricOptions, Span } from '@opentelemetry/api';

/**
 * A histogram of our own instrumentations, taken from the global MeterProvider when a measurement is recorded.
 *
 * Why not at construction: the @opentelemetry/api metrics API has no proxy provider, so a meter taken before the
 * SDK's provider is registered stays a no-op forever. Why not upstream's `this.meter` (InstrumentationBase swaps it
 * in `setMeterProvider`): our diagnostics-channel subscribers have no InstrumentationBase, and nothing calls
 * `setMeterProvider` on an instrumentation created before the provider. So each `record` reads the global provider
 * (a property read) and makes the histogram again only when the provider changed: it works whichever comes first,
 * and after a provider is replaced.
 */
export class LazyHistogram {
  private provider: MeterProvider | undefined;
  private histogram: Histogram | undefined;

  constructor(
    private readonly scope: string,
    private readonly scopeVersion: string,
    private readonly name: string,
    private readonly options: MetricOptions,
  ) {}

  /** Records `value`; never throws (a failing SDK costs the measurement, not the app's call). */
  record(value: number, attributes: Attributes, context: Context): void {
    try {
      const provider = metrics.getMeterProvider();
      if (provider !== this.provider || !this.histogram) {
        this.histogram = provider.getMeter(this.scope, this.scopeVersion).createHistogram(this.name, this.options);
        this.provider = provider;
      }
      this.histogram.record(value, attributes, context);
    } catch {
      // see above
    }
  }
}

/** The context a duration is recorded in: the span's, for an exemplar, when that span is sampled. */
export function exemplarContext(span: Span): Context {
  return (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0 ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT;
}

/**
 * Advised boundaries, in seconds, from the semantic conventions: HTTP's for `http.*.request.duration` (also what
 * the messaging durations advise), the database ones for `db.client.operation.duration`.
 */
export const HTTP_DURATION_BOUNDARIES = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
export const DB_DURATION_BOUNDARIES = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** A seconds histogram with the given advised boundaries. */
export function durationOptions(description: string, boundaries: number[]): MetricOptions {
  return { description, unit: 's', advice: { explicitBucketBoundaries: boundaries } };
}
