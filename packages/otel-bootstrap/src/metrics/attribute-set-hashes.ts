import { dirname, join } from 'node:path';
import type { Attributes } from '@opentelemetry/api';

// Why: sdk-metrics 3.1 turns a measurement's attributes into its series key on every record (`hashAttributes`:
// Object.keys, a sort and JSON.stringify): 1.2 µs of a 1.5-2.1 µs `histogram.record` for the 7 attributes of
// `http.server.request.duration`, and 3 records a W1 request (bench/findings.md, "Series keys made once"). The API
// has no bound instruments to skip it. Our instrumentations record the same few attribute sets over and over, each
// made once and kept: such a set is frozen and remembered here, and its key is made once, by sdk-metrics' own
// function, so it is the key any equal set gets. Any other attributes object (the app's own meters) is hashed as
// before, since an app may change its object between two records. Upstream's own speed-up of the hash
// (open-telemetry/opentelemetry-js#6515, for #6100) is not in 3.1; once it ships, measure again whether this pays.

type HashAttributes = (attributes: Attributes) => string;

/** Our remembered sets: null until sdk-metrics first asks for the set's key, then the key. */
const KEYS = new WeakMap<Attributes, string | null>();

/**
 * Freezes a set one of our instrumentations keeps and records again and again, so that its series key is made once
 * (after {@link installAttributeSetHashes}). Returns the set.
 */
export function rememberAttributeSet<T extends Attributes>(attributes: T): T {
  if (!KEYS.has(attributes)) KEYS.set(Object.freeze(attributes), null);
  return attributes;
}

/** sdk-metrics' key for `attributes`, made once for a remembered set. */
export function keyOnceFor(hash: HashAttributes): HashAttributes {
  return function hashAttributesOnce(attributes: Attributes): string {
    const known = KEYS.get(attributes);
    if (known) return known;
    const key = hash(attributes);
    if (known === null) KEYS.set(attributes, key);
    return key;
  };
}

/**
 * Puts {@link keyOnceFor} in place of sdk-metrics' `hashAttributes`, which each of its series maps reads when it is
 * made: call it before the MeterProvider. It reaches into sdk-metrics' own `utils.cjs` (no export of the package
 * names it); where that is not there as 3.1 has it, nothing changes and every set is hashed as upstream does.
 * Returns whether it took.
 */
export function installAttributeSetHashes(sdkMetricsEntry: string): boolean {
  try {
    const utils = require(join(dirname(sdkMetricsEntry), 'utils.cjs')) as { hashAttributes?: HashAttributes };
    const original = utils.hashAttributes;
    if (typeof original !== 'function' || original.name === 'hashAttributesOnce') return typeof original === 'function';
    utils.hashAttributes = keyOnceFor(original);
    return utils.hashAttributes !== original;
  } catch {
    return false;
  }
}
