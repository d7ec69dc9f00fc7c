import {
  decodeRandomness,
  decodeThreshold,
  encodeThreshold,
  probabilityToThreshold,
  thresholdToProbability,
  traceIdRandomness,
} from '../../../src/sampling/composable/threshold';

/** The th value for a ratio, as a sampler writes it, at full 56-bit precision. */
const th = (ratio: number) => {
  const threshold = probabilityToThreshold(ratio);
  return threshold === undefined ? undefined : encodeThreshold(threshold);
};

/**
 * A 56-bit threshold rounded (half up) to the spec's variable precision: `precision` hex digits, plus one for each
 * leading run of four zero bits in the probability (its `math.frexp` adjustment), at most 12.
 */
function withPrecision(threshold: bigint, probability: number, precision: number): string {
  if (probability === 1) return '0';
  const exponent = Math.floor(Math.log2(probability)) + 1; // frexp's: probability = m × 2^exponent, 0.5 <= m < 1
  const digits = Math.max(1, Math.min(12, precision + Math.floor(exponent / -4)));
  const dropped = BigInt(4 * (14 - digits));
  const rounded = (threshold + (1n << (dropped - 1n))) >> dropped;
  return rounded.toString(16).padStart(digits, '0').replace(/0+$/, '') || '0';
}

describe('probability to threshold', () => {
  it.each([
    [1, '0'],
    [0.5, '8'],
    [0.25, 'c'],
    [0.125, 'e'],
    [0.0625, 'f'],
    // Not exact powers of two: the threshold keeps all 56 bits, computed from the double nearest the ratio.
    [0.1, 'e6666666666666'], // 2^56 − 0x1999999999999a (0.1 is a hair above 1/10)
    [1 / 3, 'aaaaaaaaaaaaac'], // 2^56 − 0x55555555555554 (1/3 is a hair below a third, so not …aab)
    [0.2, 'cccccccccccccc'],
    [0.01, 'fd70a3d70a3d71'],
  ])('%d gives th:%s', (ratio, expected) => {
    expect(th(ratio)).toBe(expected);
  });

  // tracestate-probability-sampling.md, "Converting floating-point probability to threshold value": the table of
  // 1-in-N probabilities at precision 3, 4 and 5. Ours, rounded to those precisions, must give the same digits.
  it.each([
    [1, 1, ['0', '0', '0']],
    [2, 0.5, ['8', '8', '8']],
    [3, 0.3333333333333333, ['aab', 'aaab', 'aaaab']],
    [4, 0.25, ['c', 'c', 'c']],
    [5, 0.2, ['ccd', 'cccd', 'ccccd']],
    [8, 0.125, ['e', 'e', 'e']],
    [10, 0.1, ['e66', 'e666', 'e6666']],
    [16, 0.0625, ['f', 'f', 'f']],
    [100, 0.01, ['fd71', 'fd70a', 'fd70a4']],
    [1000, 0.001, ['ffbe7', 'ffbe77', 'ffbe76d']],
    [10000, 0.0001, ['fff972', 'fff9724', 'fff97247']],
    [100000, 0.00001, ['ffff584', 'ffff583a', 'ffff583a5']],
    [1000000, 0.000001, ['ffffef4', 'ffffef39', 'ffffef391']],
  ])("1 in %d (%d) matches the spec's table", (_n, probability, expected) => {
    const threshold = probabilityToThreshold(probability);
    if (threshold === undefined) throw new Error('expected a threshold');
    expect([3, 4, 5].map((precision) => withPrecision(threshold, probability, precision))).toEqual(expected);
  });

  it('keeps nothing, with no threshold at all, at 0 and below the smallest probability, 2^-56', () => {
    expect(th(0)).toBeUndefined();
    expect(th(2 ** -58)).toBeUndefined();
    expect(th(2 ** -56)).toBe('ffffffffffffff'); // keeps only R = 2^56 − 1
  });

  it.each([[-0.1], [1.5], [NaN]])('rejects %d as a probability', (ratio) => {
    expect(() => probabilityToThreshold(ratio)).toThrow(RangeError);
  });

  it('converts back to the probability', () => {
    expect(thresholdToProbability(0n)).toBe(1);
    expect(thresholdToProbability(0xc0000000000000n)).toBe(0.25); // the spec's th:c example
    expect(thresholdToProbability(decodeThreshold('fd70a4') ?? 0n)).toBeCloseTo(0.01, 7);
  });
});

describe('th values', () => {
  it("reads the spec's examples", () => {
    expect(decodeThreshold('0')).toBe(0n); // ot=th:0, 100%
    expect(decodeThreshold('c')).toBe(0xc0000000000000n); // ot=th:c, 25%
    // 1% with 5 digits of precision: (1 − 0.01) × 2^56 ≈ 71337018784743424 = 0xfd70a400000000, written th:fd70a4.
    expect(decodeThreshold('fd70a4')).toBe(71337018784743424n);
    expect(encodeThreshold(71337018784743424n)).toBe('fd70a4');
  });

  it('drops trailing zeros only, and writes 0 for 100%', () => {
    expect(encodeThreshold(0n)).toBe('0');
    expect(encodeThreshold(0x08000000000000n)).toBe('08');
    expect(encodeThreshold(0x00000000000001n)).toBe('00000000000001');
    expect(encodeThreshold(0xffffffffffffffn)).toBe('ffffffffffffff');
  });

  it.each([[''], ['zz'], ['C'], ['0x8'], [' 8'], ['8 '], ['-1'], ['123456789abcdef'], ['123456789abcdef0']])(
    'rejects th:%s (1 to 14 lowercase hex digits only)',
    (value) => {
      expect(decodeThreshold(value)).toBeUndefined();
    },
  );

  it('round-trips every length', () => {
    for (let length = 1; length <= 14; length++) {
      const value = '7'.repeat(length);
      expect(encodeThreshold(decodeThreshold(value) ?? -1n)).toBe(value);
    }
  });
});

describe('randomness', () => {
  it("reads the spec's rv example, 0x6e6d1a75832a2f", () => {
    expect(decodeRandomness('6e6d1a75832a2f')).toBe(0x6e6d1a75832a2fn);
  });

  it.each([['6e6d1a75832a2'], ['6e6d1a75832a2f0'], ['6E6D1A75832A2F'], ['6e6d1a75832a2g'], ['']])(
    'rejects rv:%s (exactly 14 lowercase hex digits only)',
    (value) => {
      expect(decodeRandomness(value)).toBeUndefined();
    },
  );

  it("takes the trace id's rightmost 7 bytes", () => {
    expect(traceIdRandomness('0af7651916cd43dd8448eb211c80319c')).toBe(0x48eb211c80319cn);
    expect(traceIdRandomness('ffffffffffffffffff00000000000000')).toBe(0n);
  });
});
