import { createTraceState } from '@opentelemetry/api';
import type { TraceState } from '@opentelemetry/api';
import { decodeRandomness, decodeThreshold, encodeThreshold } from './threshold';

/** The `ot` tracestate entry (specification/trace/tracestate-handling.md), as a sampler needs it. */
export interface OtEntry {
  /** The entry as received, or `undefined` when there was none. */
  readonly value: string | undefined;
  /** Its `th` sub-key, when valid. */
  readonly threshold: bigint | undefined;
  /** Its `rv` sub-key, when valid. */
  readonly randomness: bigint | undefined;
  /** Every `key:value` sub-key but `th`, in order, untouched: `rv` and whatever later specs define pass through. */
  readonly others: readonly string[];
}

const KEY = 'ot';
/** The W3C limit for one tracestate value, which the spec applies to the whole `ot` entry. */
const MAX_LENGTH = 256;
const NO_ENTRY: OtEntry = Object.freeze({ value: undefined, threshold: undefined, randomness: undefined, others: [] });

/** Parses the `ot` entry of a tracestate. Malformed sub-keys read as absent; only the first `th` or `rv` counts. */
export function readOtEntry(traceState: TraceState | undefined): OtEntry {
  const value = traceState?.get(KEY);
  if (value === undefined || value === '') return NO_ENTRY;
  let threshold: string | undefined;
  let randomness: string | undefined;
  const others: string[] = [];
  for (const subKey of value.split(';')) {
    if (subKey.startsWith('th:')) {
      threshold ??= subKey.slice(3);
      continue;
    }
    if (subKey.startsWith('rv:')) randomness ??= subKey.slice(3);
    if (subKey !== '') others.push(subKey);
  }
  return {
    value,
    threshold: threshold === undefined ? undefined : decodeThreshold(threshold),
    randomness: randomness === undefined ? undefined : decodeRandomness(randomness),
    others,
  };
}

/**
 * The tracestate a span gets: the parent's, with `th` set to `threshold` (or erased when it is `undefined`) and
 * everything else unchanged. The parent's object is returned as it is when its `ot` entry already says so, and the
 * `ot` entry is removed when nothing is left in it.
 *
 * The `ot` entry must stay within 256 characters; if a `th` would take it past that, it is left out, which only
 * makes the span's probability unknown.
 */
export function withThreshold(
  traceState: TraceState | undefined,
  entry: OtEntry,
  threshold: bigint | undefined,
): TraceState | undefined {
  const rest = entry.others.join(';');
  let value = rest;
  if (threshold !== undefined) {
    const withTh = rest === '' ? `th:${encodeThreshold(threshold)}` : `th:${encodeThreshold(threshold)};${rest}`;
    if (withTh.length <= MAX_LENGTH) value = withTh;
  }
  if (value === (entry.value ?? '')) return traceState;
  if (value === '') return traceState?.unset(KEY);
  return (traceState ?? createTraceState()).set(KEY, value);
}
