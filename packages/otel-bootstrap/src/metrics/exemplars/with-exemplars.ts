import { context as contextApi } from '@opentelemetry/api';
import type {
  Attributes,
  BatchObservableCallback,
  Context,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterOptions,
  MeterProvider,
  MetricOptions,
  Observable,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import type { ExemplarStore, InstrumentKey } from './ExemplarStore';

/**
 * ```ts
 * function withExemplars(provider: MeterProvider, store: ExemplarStore): MeterProvider;
 * ```
 *
 * Wraps an `@opentelemetry/api` MeterProvider (the SDK's) so that every histogram created through it, ours and
 * upstream instrumentations' alike, also offers each measurement to `store`, in the context it was recorded in (the
 * `context` argument of `record`, else the active one). Everything else goes to the provider unchanged; the result
 * is an API MeterProvider only, so keep the SDK's own object for `forceFlush` and `shutdown`. Register the result as
 * the global provider: `metrics.setGlobalMeterProvider(withExemplars(sdkProvider, store))`.
 *
 * Why a wrapper: sdk-metrics 3.1 has no exemplar reservoir or filter (the 1.x ExemplarFilter work never shipped in
 * the JS SDK), and its aggregators keep no per-measurement data to hang one on.
 */
export function withExemplars(provider: MeterProvider, store: ExemplarStore): MeterProvider {
  return {
    getMeter(name: string, version?: string, options?: MeterOptions): Meter {
      return new ExemplarMeter(provider.getMeter(name, version, options), store, name, version);
    },
  };
}

/** sdk-metrics' boundaries for a histogram without advice (ExplicitBucketHistogramAggregation's defaults). */
const DEFAULT_BOUNDARIES: readonly number[] = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
const NO_ATTRIBUTES: Attributes = Object.freeze({});

class ExemplarMeter implements Meter {
  constructor(
    private readonly meter: Meter,
    private readonly store: ExemplarStore,
    private readonly scope: string,
    private readonly scopeVersion: string | undefined,
  ) {}

  createHistogram<A extends Attributes = Attributes>(name: string, options?: MetricOptions): Histogram<A> {
    const histogram = this.meter.createHistogram<A>(name, options);
    const advised = options?.advice?.explicitBucketBoundaries;
    const boundaries = Array.isArray(advised) ? [...advised].sort((a, b) => a - b) : DEFAULT_BOUNDARIES;
    const key: InstrumentKey = { scope: this.scope, scopeVersion: this.scopeVersion, name };
    return new ExemplarHistogram<A>(histogram, this.store, key, boundaries);
  }

  createGauge<A extends Attributes = Attributes>(name: string, options?: MetricOptions): Gauge<A> {
    return this.meter.createGauge<A>(name, options);
  }

  createCounter<A extends Attributes = Attributes>(name: string, options?: MetricOptions): Counter<A> {
    return this.meter.createCounter<A>(name, options);
  }

  createUpDownCounter<A extends Attributes = Attributes>(name: string, options?: MetricOptions): UpDownCounter<A> {
    return this.meter.createUpDownCounter<A>(name, options);
  }

  createObservableGauge<A extends Attributes = Attributes>(name: string, options?: MetricOptions): ObservableGauge<A> {
    return this.meter.createObservableGauge<A>(name, options);
  }

  createObservableCounter<A extends Attributes = Attributes>(
    name: string,
    options?: MetricOptions,
  ): ObservableCounter<A> {
    return this.meter.createObservableCounter<A>(name, options);
  }

  createObservableUpDownCounter<A extends Attributes = Attributes>(
    name: string,
    options?: MetricOptions,
  ): ObservableUpDownCounter<A> {
    return this.meter.createObservableUpDownCounter<A>(name, options);
  }

  addBatchObservableCallback<A extends Attributes = Attributes>(
    callback: BatchObservableCallback<A>,
    observables: Observable<A>[],
  ): void {
    this.meter.addBatchObservableCallback<A>(callback, observables);
  }

  removeBatchObservableCallback<A extends Attributes = Attributes>(
    callback: BatchObservableCallback<A>,
    observables: Observable<A>[],
  ): void {
    this.meter.removeBatchObservableCallback<A>(callback, observables);
  }
}

class ExemplarHistogram<A extends Attributes> implements Histogram<A> {
  constructor(
    private readonly histogram: Histogram<A>,
    private readonly store: ExemplarStore,
    private readonly key: InstrumentKey,
    private readonly boundaries: readonly number[],
  ) {}

  record(value: number, attributes?: A, context?: Context): void {
    this.histogram.record(value, attributes, context);
    // The SDK drops what a histogram cannot hold; so does the store.
    if (!(value >= 0) || value === Infinity) return;
    try {
      this.store.offer(this.key, this.boundaries, value, attributes ?? NO_ATTRIBUTES, context ?? contextApi.active());
    } catch {
      // an exemplar is never worth an exception in the app's request
    }
  }
}
