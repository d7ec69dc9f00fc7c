import { isSpanContextValid, TraceFlags } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { seededRandom } from '@org/otel-testing';
import { isValidSpanContext } from '../../src/propagation/valid-span-context';

// isValidSpanContext remembers the last valid ids: in any order of calls, it must answer what isSpanContextValid does.
const TRACE_IDS: unknown[] = [
  '4bf92f3577b34da6a3ce929d0e0e4736',
  '4bf92f3577b34da6a3ce929d0e0e4737',
  '00000000000000000000000000000000',
  '00000000000000000000000000000001',
  '4BF92F3577B34DA6A3CE929D0E0E4736',
  '4bf92f3577b34da6a3ce929d0e0e473',
  '4bf92f3577b34da6a3ce929d0e0e47366',
  '4bf92f3577b34da6a3ce929d0e0e473g',
  '',
  undefined,
  42,
];
const SPAN_IDS: unknown[] = [
  '00f067aa0ba902b7',
  '00f067aa0ba902b8',
  '0000000000000000',
  '0000000000000001',
  '00F067AA0BA902B7',
  '00f067aa0ba902b',
  '00f067aa0ba902b7a',
  'zzf067aa0ba902b7',
  '',
  undefined,
];

function spanContext(traceId: unknown, spanId: unknown): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED } as SpanContext;
}

describe('isValidSpanContext', () => {
  it('answers as isSpanContextValid for every pair of ids, in any order', () => {
    const random = seededRandom(20);
    for (let i = 0; i < 20_000; i++) {
      const context = spanContext(
        TRACE_IDS[Math.floor(random() * TRACE_IDS.length)],
        SPAN_IDS[Math.floor(random() * SPAN_IDS.length)],
      );
      expect([context, isValidSpanContext(context)]).toEqual([context, isSpanContextValid(context)]);
    }
  });

  it('checks new string objects with the same characters as the same ids', () => {
    const id = ['4bf92f3577b34da6', 'a3ce929d0e0e4736'];
    expect(isValidSpanContext(spanContext(id.join(''), '00f067aa0ba902b7'))).toBe(true);
    expect(isValidSpanContext(spanContext(id.join(''), '00f067aa0ba902b7'))).toBe(true);
    expect(isValidSpanContext(spanContext(`${id[0]}a3ce929d0e0e473x`, '00f067aa0ba902b7'))).toBe(false);
  });
});
