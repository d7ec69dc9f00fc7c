/**
 * How Prometheus names an OTLP metric it receives, for the kinds and units our apps export. Prometheus v3.14.0's
 * OTLP receiver uses github.com/prometheus/otlptranslator with the `UnderscoreEscapingWithSuffixes` strategy
 * (its default, and what prometheus/prometheus.yml sets); this follows that library's metric_namer.go
 * (normalizeName, addUnitTokens) and unit_namer.go for the subset below, so the dashboard's PromQL can be checked
 * against what the apps really export.
 */

/** An OTLP metric as the SDK exports it. `updowncounter` is a non-monotonic sum, which is no counter to Prometheus. */
export interface OtlpMetric {
  name: string;
  kind: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
  unit: string;
}

// unit_namer.go's unit map, for the units OpenTelemetry semantic conventions and our metrics use.
const units: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', '%': 'percent' };

/** The unit's name suffix: none for `1` (dimensionless) and for annotations such as `{order}`. */
function unitSuffix(unit: string): string {
  const main = unit.split('/')[0].trim();
  if (main === '' || main === '1' || /[{}]/.test(main)) return '';
  if (unit.includes('/')) throw new Error(`per-units are not covered here: "${unit}"`);
  return units[main] ?? main;
}

/** The Prometheus metric name (without `_bucket`, `_sum`, `_count`). */
export function prometheusName({ name, kind, unit }: OtlpMetric): string {
  // Runs of characters outside [a-zA-Z0-9_:] separate tokens, so `http.server` and `a__b` both split.
  let tokens = name.split(/[^a-zA-Z0-9_:]+|_+/).filter(Boolean);
  const suffix = unitSuffix(unit);
  if (suffix !== '' && !tokens.includes(suffix)) tokens.push(suffix);
  if (kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  const joined = tokens.join('_');
  return /^\d/.test(joined) ? `_${joined}` : joined;
}

/** Every series name Prometheus stores for the metric: a histogram is three. */
export function prometheusSeries(metric: OtlpMetric): string[] {
  const base = prometheusName(metric);
  return metric.kind === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

/** A label name from an attribute name (label_namer.go: characters outside [a-zA-Z0-9_] become `_`). */
export function prometheusLabel(attribute: string): string {
  const label = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^\d/.test(label) ? `key_${label}` : label;
}
