/** A generated header case: the raw header lines, and whether a correct implementation accepts the context. */
import { seededRandom } from '@org/otel-testing';

export interface FuzzCase {
  readonly kind: 'traceparent' | 'tracestate' | 'baggage' | 'x-trace-id';
  readonly lines: string[];
  /** The trace id a correct implementation continues; undefined when it must start a new trace. */
  readonly acceptedTraceId: string | undefined;
}

const HEX = '0123456789abcdef';

/** Generates `count` hostile and valid header values for the four headers, with a fixed seed. */
export function fuzzCases(count: number, seed: number): FuzzCase[] {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const hex = (n: number) => Array.from({ length: n }, () => HEX[int(16)]).join('');
  const junk = (n: number) =>
    Array.from({ length: n }, () =>
      pick(['\u0001', '\t', ' ', '"', ',', ';', '=', '\u00e9', '\u2603', 'Z', '-', '%0a', '\u007f']),
    ).join('');

  const mutations: (() => FuzzCase)[] = [
    // a valid traceparent: the control group, which must be continued
    () => {
      const traceId = hex(32);
      return { kind: 'traceparent', lines: [`traceparent: 00-${traceId}-${hex(16)}-01`], acceptedTraceId: traceId };
    },
    () => ({ kind: 'traceparent', lines: [`traceparent: 00-${hex(32)}-${hex(16)}-0`], acceptedTraceId: undefined }),
    () => ({
      kind: 'traceparent',
      lines: [`traceparent: 00-${'0'.repeat(32)}-${hex(16)}-01`],
      acceptedTraceId: undefined,
    }),
    () => ({
      kind: 'traceparent',
      lines: [`traceparent: 00-${hex(32)}-${'0'.repeat(16)}-01`],
      acceptedTraceId: undefined,
    }),
    () => ({ kind: 'traceparent', lines: [`traceparent: ff-${hex(32)}-${hex(16)}-01`], acceptedTraceId: undefined }),
    () => ({ kind: 'traceparent', lines: [`traceparent: 00-${hex(31)}-${hex(16)}-01`], acceptedTraceId: undefined }),
    () => ({
      kind: 'traceparent',
      lines: [`traceparent: 00-${hex(32).toUpperCase()}-${hex(16)}-01`],
      acceptedTraceId: undefined,
    }),
    () => {
      // HTTP strips whitespace around a header value, so junk that is only whitespace leaves a valid traceparent.
      const traceId = hex(32);
      const tail = junk(1 + int(8));
      return {
        kind: 'traceparent',
        lines: [`traceparent: 00-${traceId}-${hex(16)}-01${tail}`],
        acceptedTraceId: /^[ \t]*$/.test(tail) ? traceId : undefined,
      };
    },
    () => ({ kind: 'traceparent', lines: [`traceparent: ${junk(1 + int(60))}`], acceptedTraceId: undefined }),
    () => ({
      kind: 'traceparent',
      lines: [`traceparent: 00-${hex(32)}-${hex(16)}-01`.slice(0, int(55))],
      acceptedTraceId: undefined,
    }),
    () => ({ kind: 'traceparent', lines: [`traceparent: 00-${hex(4000)}`], acceptedTraceId: undefined }),
    // repeated headers arrive joined by ", ": invalid
    () => ({
      kind: 'traceparent',
      lines: [`traceparent: 00-${hex(32)}-${hex(16)}-01`, `traceparent: 00-${hex(32)}-${hex(16)}-01`],
      acceptedTraceId: undefined,
    }),
    // tracestate and baggage are not contexts on their own: without a traceparent a new trace starts
    () => ({
      kind: 'tracestate',
      lines: [`tracestate: ${junk(int(300))}${hex(int(600))}`],
      acceptedTraceId: undefined,
    }),
    () => ({
      kind: 'tracestate',
      lines: [
        Array.from({ length: 40 }, (_, i) => `k${i}=${hex(8)}`)
          .join(',')
          .replace(/^/, 'tracestate: '),
      ],
      acceptedTraceId: undefined,
    }),
    () => ({ kind: 'baggage', lines: [`baggage: ${junk(int(200))}=${junk(int(200))}`], acceptedTraceId: undefined }),
    () => ({ kind: 'baggage', lines: [`baggage: ${'k=v,'.repeat(500 + int(2000))}`], acceptedTraceId: undefined }),
    // a valid traceparent with a hostile tracestate: the context is kept, the tracestate is not trusted blindly
    () => {
      const traceId = hex(32);
      return {
        kind: 'tracestate',
        lines: [`traceparent: 00-${traceId}-${hex(16)}-01`, `tracestate: ${junk(1 + int(100))}`],
        acceptedTraceId: traceId,
      };
    },
    () => ({ kind: 'x-trace-id', lines: [`x-trace-id: ${junk(1 + int(100))}`], acceptedTraceId: undefined }),
    () => ({ kind: 'x-trace-id', lines: [`x-trace-id: ${hex(10_000)}`], acceptedTraceId: undefined }),
    () => ({ kind: 'x-trace-id', lines: [`x-trace-id: ${'0'.repeat(32)}`], acceptedTraceId: undefined }),
  ];
  return Array.from({ length: count }, () => pick(mutations)());
}
