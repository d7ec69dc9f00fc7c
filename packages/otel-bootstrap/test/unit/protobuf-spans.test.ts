import { TraceFlags } from '@opentelemetry/api';
import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { TraceState } from '@opentelemetry/core';
import { decodeProtobuf, seededRandom } from '@org/otel-testing';
import { encodeSpans } from '../../src/export/protobuf-spans';

// Differential test: our OTLP protobuf encoder against upstream's (otlp-transformer's ProtobufTraceSerializer) on
// generated spans that reach every branch: each value type, strings long enough for two- and three-byte lengths,
// non-ASCII text, negative and huge integers, events, links, remote parents, several resources and scopes. The
// bytes must be the same.

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function hex(random: Random, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return random() < 0.05 ? out.toUpperCase() : out;
}

const STRINGS = (random: Random): string[] => [
  '',
  'GET /item/:id',
  'héllo wörld ✓ 日本',
  'emoji 🎉 and a lone surrogate \ud800 end',
  'x'.repeat(127),
  'y'.repeat(128),
  'z'.repeat(20_000),
  'ascii then é'.repeat(20),
  hex(random, 8),
];

function value(random: Random, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 1 ? 9 : 12));
  switch (kind) {
    case 0:
    case 1:
      return pick(random, STRINGS(random));
    case 2:
      return random() < 0.5;
    case 3:
      return pick(random, [0, 1, 127, 128, 16_384, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, 2 ** 53 - 1, 2 ** 63]);
    case 4:
      return pick(random, [-1, -128, -(2 ** 31), -(2 ** 32), -(2 ** 53) + 1, -(2 ** 63)]);
    case 5:
      return pick(random, [0.5, -3.25, Math.PI, Number.NaN, Infinity, -Infinity, 1e300]);
    case 6:
      return pick(random, [undefined, null]);
    case 7:
      return new Uint8Array([1, 2, 3, 250].slice(0, Math.floor(random() * 5)));
    case 8:
      return Array.from({ length: Math.floor(random() * 4) }, () => value(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 3) }, (_, i) => [`k${i}`, value(random, depth + 1)]),
      );
  }
}

function attributes(random: Random, max: number): Record<string, unknown> {
  return Object.fromEntries(
    Array.from({ length: Math.floor(random() * max) }, (_, i) => [
      `${pick(random, ['a', 'http.é', 'k'])}.${i}`,
      value(random),
    ]),
  );
}

function time(random: Random): HrTime {
  return [pick(random, [0, 1, 1_764_660_000 + Math.floor(random() * 1e6), 4_294_967_295]), Math.floor(random() * 1e9)];
}

function spanContext(random: Random, remote: boolean | undefined): SpanContext {
  return {
    traceId: hex(random, 16),
    spanId: hex(random, 8),
    traceFlags: pick(random, [TraceFlags.NONE, TraceFlags.SAMPLED, 0xff]),
    traceState: random() < 0.3 ? new TraceState(pick(random, ['ot=th:8', 'a=1,b=2', ''])) : undefined,
    isRemote: remote,
  };
}

function span(random: Random, resources: readonly ReadableSpan['resource'][]): ReadableSpan {
  const context = spanContext(random, undefined);
  const parent = random() < 0.7 ? spanContext(random, pick(random, [true, false, undefined])) : undefined;
  const scope = pick(random, [
    { name: 'scope-a' },
    { name: 'scope-b', version: '1.2.3', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
    { name: 'scope-é', version: '' },
  ]);
  const links: Link[] = Array.from({ length: Math.floor(random() * 3) }, () => ({
    context: spanContext(random, pick(random, [true, false, undefined])),
    attributes: random() < 0.5 ? (attributes(random, 3) as Link['attributes']) : undefined,
    droppedAttributesCount: random() < 0.2 ? 2 : undefined,
  }));
  return {
    name: pick(random, STRINGS(random)),
    kind: pick(random, [0, 1, 2, 3, 4, undefined as unknown as number]),
    spanContext: () => context,
    parentSpanContext: parent,
    startTime: time(random),
    endTime: time(random),
    status: { code: pick(random, [0, 1, 2]), message: random() < 0.3 ? pick(random, STRINGS(random)) : undefined },
    attributes: attributes(random, 12) as ReadableSpan['attributes'],
    links,
    events: Array.from({ length: Math.floor(random() * 3) }, () => ({
      name: pick(random, STRINGS(random)),
      time: time(random),
      attributes: random() < 0.7 ? (attributes(random, 4) as ReadableSpan['attributes']) : undefined,
      droppedAttributesCount: random() < 0.2 ? 1 : undefined,
    })),
    duration: [0, 1],
    ended: true,
    resource: pick(random, resources),
    instrumentationScope: scope,
    droppedAttributesCount: Math.floor(random() * 3),
    droppedEventsCount: Math.floor(random() * 200),
    droppedLinksCount: 0,
  };
}

describe('our OTLP protobuf encoder writes what upstream writes', () => {
  const resources = [
    resourceFromAttributes({ 'service.name': 'a', 'process.command_args': ['node', 'app.js'], 'process.pid': 42 }),
    resourceFromAttributes({ 'service.name': 'b-é', 'host.name': 'h'.repeat(300) }),
  ];

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('batch %i of 300 generated spans: the same bytes', (seed) => {
    const random = seededRandom(seed);
    const spans = Array.from({ length: 300 }, () => span(random, resources));
    const ours = Buffer.from(encodeSpans(spans));
    expect(ours.equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!))).toBe(true);
  });

  it('the bytes decode, with the official schema, to the spans that went in', () => {
    const random = seededRandom(99);
    const spans = Array.from({ length: 20 }, () => span(random, resources));
    const decoded = decodeProtobuf(encodeSpans(spans));
    expect(decoded).toHaveLength(20);
    const byId = new Map(decoded.map((s) => [s.spanId, s]));
    for (const s of spans) {
      const got = byId.get(s.spanContext().spanId.toLowerCase())!;
      // A lone surrogate arrives as U+FFFD, as UTF-8 requires.
      expect([got.name, got.traceId]).toEqual([Buffer.from(s.name).toString(), s.spanContext().traceId.toLowerCase()]);
    }
  });

  it('an empty batch is an empty request', () => {
    expect(encodeSpans([])).toHaveLength(0);
  });
});
