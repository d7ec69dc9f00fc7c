/**
 * The arithmetic of consistent probability sampling, from the OpenTelemetry specification
 * (specification/trace/tracestate-probability-sampling.md and tracestate-handling.md).
 *
 * Two 56-bit numbers decide: the randomness R of a trace (explicit `rv`, else the trace id's rightmost 7 bytes) and
 * the rejection threshold T of a sampler, the count of the 2^56 possible R values it rejects. R >= T keeps the span.
 * T = 0 keeps everything; "reject everything" is no probability at all, so it is `undefined` here, never 2^56.
 */

/** R and T are 56-bit: 7 bytes, 14 hexadecimal digits. */
const HEX_DIGITS = 14;

/** 2^56, the number of distinct randomness values (the spec's MaxAdjustedCount). */
export const RANDOMNESS_VALUES = 1n << 56n;

/** The threshold that keeps every span (`th:0`). */
export const KEEP_ALL = 0n;

/** The spec's hexdigit: lowercase only, so thresholds and randomness compare as text too. */
const TH_VALUE = /^[0-9a-f]{1,14}$/;
const RV_VALUE = /^[0-9a-f]{14}$/;

/**
 * The rejection threshold for a sampling probability: T = 2^56 × (1 − p), at the full 56-bit precision.
 * `p` × 2^56 is exact in a double (a power-of-two scale); it is rounded to a whole count, which changes it only when
 * p < 1/16 leaves it a fraction. Returns `undefined` when nothing can be kept: p = 0, or p below the spec's minimum of 2^-56 once rounded.
 *
 * @param probability a number from 0 to 1
 * @throws RangeError for anything else; configuration is validated before it gets here
 */
export function probabilityToThreshold(probability: number): bigint | undefined {
  if (!(probability >= 0 && probability <= 1)) {
    throw new RangeError(`a sampling probability is a number from 0 to 1, not ${probability}`);
  }
  const kept = BigInt(Math.round(probability * Number(RANDOMNESS_VALUES)));
  return kept === 0n ? undefined : RANDOMNESS_VALUES - kept;
}

/** The probability a threshold keeps: (2^56 − T) / 2^56. */
export function thresholdToProbability(threshold: bigint): number {
  return Number(RANDOMNESS_VALUES - threshold) / Number(RANDOMNESS_VALUES);
}

/**
 * The `th` value for a threshold: 14 hex digits with the trailing zeros dropped (`c` for 0xc0000000000000), and
 * `0` for "keep all".
 */
export function encodeThreshold(threshold: bigint): string {
  if (threshold === KEEP_ALL) return '0';
  const digits = threshold.toString(16).padStart(HEX_DIGITS, '0');
  return digits.replace(/0+$/, '');
}

/**
 * Reads a `th` value: 1 to 14 lowercase hex digits, padded on the right with zeros to 14. Anything else is not a
 * threshold (`undefined`).
 */
export function decodeThreshold(value: string): bigint | undefined {
  if (!TH_VALUE.test(value)) return undefined;
  return BigInt(`0x${value.padEnd(HEX_DIGITS, '0')}`);
}

/** Reads an `rv` value, which must be exactly 14 lowercase hex digits. */
export function decodeRandomness(value: string): bigint | undefined {
  return RV_VALUE.test(value) ? BigInt(`0x${value}`) : undefined;
}

/** The randomness a trace id carries (W3C Trace Context Level 2): its rightmost 7 bytes. */
export function traceIdRandomness(traceId: string): bigint {
  return BigInt(`0x${traceId.slice(-HEX_DIGITS)}`);
}

/**
 * A new 56-bit random value, for a threshold that is not reliable: the spec has the composite sampler compare such
 * a threshold with fresh randomness rather than the trace's.
 */
export function freshRandomness(): bigint {
  const high = BigInt(Math.floor(Math.random() * 2 ** 28));
  const low = BigInt(Math.floor(Math.random() * 2 ** 28));
  return (high << 28n) | low;
}
