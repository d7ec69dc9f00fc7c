import { trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';

/**
 * Exemplars for histograms, which sdk-metrics 3.1 does not keep (it has no exemplar reservoir or filter at all).
 *
 * ```ts
 * class ExemplarStore {
 *   constructor(filter: 'trace_based' | 'always_on');
 *   offer(instrument: InstrumentKey, boundaries: readonly number[], value: number, attributes: Attributes, context: Context): void;
 *   collect(instrument: InstrumentKey, point: PointQuery): Exemplar[];
 *   clear(instrument: InstrumentKey, pointAttributes: Attributes, untilMillis: number): void;
 * }
 * ```
 *
 * What it keeps is the specification's "aligned histogram bucket" reservoir: per instrument, per measurement attribute
 * set and per bucket of the instrument's own (advised) boundaries, the latest measurement. `trace_based` keeps only
 * measurements made inside a sampled span; `always_on` every one (with trace and span ids only when the span is
 * sampled: the ids of a span that is never exported lead nowhere). `always_off` needs no store at all.
 *
 * The exporter asks for the exemplars of each collected point (`collect`), re-bucketed by the point's boundaries (a
 * view may have changed them) and limited to the point's time window, so a delta point never shows an exemplar of an
 * earlier interval; for delta points it then `clear`s them. Filtered attributes are the measurement's attributes the
 * point does not carry (what a view dropped), as the specification says.
 */

/** One instrument of one meter: exemplars of `http.client.request.duration` from http and undici stay apart. */
export interface InstrumentKey {
  readonly scope: string;
  readonly scopeVersion?: string;
  readonly name: string;
}

/** One exemplar, as the exporter writes it. */
export interface Exemplar {
  readonly value: number;
  /** Wall-clock milliseconds since the epoch. */
  readonly timeMillis: number;
  /** Hex ids; empty strings when the measurement was not made in a sampled span (always_on only). */
  readonly traceId: string;
  readonly spanId: string;
  readonly filteredAttributes: Attributes;
}

/** What the exporter knows of a collected histogram point. */
export interface PointQuery {
  readonly attributes: Attributes;
  readonly boundaries: readonly number[];
  /** The point's window, in milliseconds since the epoch. */
  readonly startMillis: number;
  readonly endMillis: number;
}

interface Series {
  readonly attributes: Attributes;
  /** Latest exemplar per bucket of the instrument's boundaries (boundaries.length + 1 buckets). */
  readonly buckets: (Exemplar | undefined)[];
}

/** Series kept per instrument at most: past it, new attribute sets get no exemplars (the SDK caps cardinality too). */
const MAX_SERIES = 2000;

/** Collects exemplars for histogram measurements; see the file comment. */
export class ExemplarStore {
  private readonly instruments = new Map<string, Map<string, Series>>();
  /**
   * Our instrumentations pass the same cached attribute objects again and again: their key is computed once. (An
   * app that changes an attributes object between two records gets its exemplars under the first values.)
   */
  private readonly keys = new WeakMap<Attributes, string>();
  private readonly sampledOnly: boolean;

  constructor(filter: 'trace_based' | 'always_on') {
    this.sampledOnly = filter !== 'always_on';
  }

  /** Offers one histogram measurement, made in `context`. Cheap when the filter turns it down. */
  offer(
    instrument: InstrumentKey,
    boundaries: readonly number[],
    value: number,
    attributes: Attributes,
    context: Context,
  ): void {
    const spanContext = trace.getSpanContext(context);
    const sampled = spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
    if (this.sampledOnly && !sampled) return;
    const series = this.seriesOf(instrument, boundaries, attributes);
    if (!series) return;
    series.buckets[bucketOf(boundaries, value)] = {
      value,
      // The SDK's clock for point windows (MetricCollector, DeltaMetricProcessor): the same one keeps the window
      // check exact, where the monotonic clock drifts from it over a long run.
      timeMillis: Date.now(),
      traceId: sampled ? spanContext.traceId : '',
      spanId: sampled ? spanContext.spanId : '',
      filteredAttributes: attributes,
    };
  }

  /** The exemplars of one collected point: the latest per bucket of the point's boundaries, within its window. */
  collect(instrument: InstrumentKey, point: PointQuery): Exemplar[] {
    const series = this.instruments.get(instrumentId(instrument));
    if (!series) return [];
    const latest: (Exemplar | undefined)[] = [];
    for (const { attributes, buckets } of series.values()) {
      if (!isSubset(point.attributes, attributes)) continue;
      for (const exemplar of buckets) {
        if (!exemplar || exemplar.timeMillis < point.startMillis || exemplar.timeMillis > point.endMillis) continue;
        const bucket = bucketOf(point.boundaries, exemplar.value);
        const kept = latest[bucket];
        if (!kept || kept.timeMillis < exemplar.timeMillis) latest[bucket] = exemplar;
      }
    }
    return latest
      .filter((exemplar): exemplar is Exemplar => exemplar !== undefined)
      .map((exemplar) => ({ ...exemplar, filteredAttributes: without(exemplar.filteredAttributes, point.attributes) }));
  }

  /**
   * Forgets the exemplars of one point's series up to its end: a delta point's exemplars belong to that point only.
   * Later ones (recorded while the point was being exported) stay for the next point.
   */
  clear(instrument: InstrumentKey, pointAttributes: Attributes, untilMillis: number): void {
    const series = this.instruments.get(instrumentId(instrument));
    if (!series) return;
    for (const [key, { attributes, buckets }] of series) {
      if (!isSubset(pointAttributes, attributes)) continue;
      for (let i = 0; i < buckets.length; i++)
        if (buckets[i] && buckets[i]!.timeMillis <= untilMillis) buckets[i] = undefined;
      if (buckets.every((exemplar) => exemplar === undefined)) series.delete(key);
    }
  }

  private seriesOf(instrument: InstrumentKey, boundaries: readonly number[], attributes: Attributes) {
    const id = instrumentId(instrument);
    let all = this.instruments.get(id);
    if (!all) this.instruments.set(id, (all = new Map()));
    let key = this.keys.get(attributes);
    if (key === undefined) this.keys.set(attributes, (key = attributesKey(attributes)));
    let series = all.get(key);
    if (!series) {
      if (all.size >= MAX_SERIES) return undefined;
      // A copy: the app may change its attributes object after recording.
      series = { attributes: { ...attributes }, buckets: new Array(boundaries.length + 1) };
      all.set(key, series);
    }
    return series;
  }
}

function instrumentId({ scope, scopeVersion, name }: InstrumentKey): string {
  return `${scope}\u0000${scopeVersion ?? ''}\u0000${name}`;
}

/** The bucket `value` falls in: bucket i holds (boundaries[i-1], boundaries[i]], as OTLP's explicit bounds say. */
export function bucketOf(boundaries: readonly number[], value: number): number {
  let bucket = 0;
  while (bucket < boundaries.length && value > boundaries[bucket]) bucket++;
  return bucket;
}

function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
}

/** Whether every attribute of `point` has the same value in `measurement`. */
function isSubset(point: Attributes, measurement: Attributes): boolean {
  for (const key of Object.keys(point)) if (!sameValue(point[key], measurement[key])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}

/** The measurement's attributes that the point lacks. */
function without(measurement: Attributes, point: Attributes): Attributes {
  const filtered: Attributes = {};
  for (const key of Object.keys(measurement)) if (!(key in point)) filtered[key] = measurement[key];
  return filtered;
}
