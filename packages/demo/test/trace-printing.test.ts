import type { ReceivedSpan } from '@org/otel-testing';

// The pieces of `npm run demo`'s trace printer (src/lib), on spans made up here and a clock the tests move.

// The modules are plain JavaScript; these are the shapes the tests use.
interface Trace {
  traceId: string;
  spans: ReceivedSpan[];
  rooted: boolean;
}
type Now = () => number;
const { WholeTraces } = require('../src/lib/whole-traces') as {
  WholeTraces: new (options: { quietMs: number; now: Now }) => {
    add(spans: ReceivedSpan[]): void;
    takeWhole(): Trace[];
    lateSpans: number;
  };
};
const { PrintBudget } = require('../src/lib/print-budget') as {
  PrintBudget: new (options: { everyMs: number; burst: number; now: Now }) => {
    allow(): boolean;
    takeSkipped(): number;
  };
};
const { renderTrace } = require('../src/lib/trace-text') as {
  renderTrace: (trace: Pick<Trace, 'traceId' | 'spans'>, note?: string) => string;
};
const { TracePrinter } = require('../src/lib/trace-printer') as {
  TracePrinter: new (options: { quietMs: number; now: Now; print: (text: string) => void }) => {
    printTrace(trace: Trace): void;
  };
};
const { LOAD_USER_AGENT } = require('../src/lib/load-user-agent') as { LOAD_USER_AGENT: string };

const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);

function span(
  traceId: string,
  spanId: string,
  parentSpanId: string,
  name: string,
  more: Partial<ReceivedSpan> = {},
): ReceivedSpan {
  return {
    traceId,
    spanId: spanId.padStart(16, '0'),
    parentSpanId: parentSpanId && parentSpanId.padStart(16, '0'),
    traceState: '',
    name,
    kind: parentSpanId ? 'INTERNAL' : 'SERVER',
    startTimeUnixNano: 1_000_000_000n + BigInt(spanId.charCodeAt(0)) * 1_000_000n,
    endTimeUnixNano: 1_000_000_000n + BigInt(spanId.charCodeAt(0)) * 1_000_000n + 12_300_000n,
    attributes: {},
    status: { code: 'UNSET', message: '' },
    events: [],
    links: [],
    resource: {},
    scope: { name: 'test', version: '' },
    service: 'svc',
    ...more,
  };
}

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('WholeTraces', () => {
  it('hands a trace out once its root has come and no span of it for quietMs, then never again', () => {
    const time = clock();
    const traces = new WholeTraces({ quietMs: 1_000, now: time.now });
    traces.add([span(TRACE_A, '2', '1', 'child')]);
    time.advance(5_000);
    expect(traces.takeWhole()).toEqual([]); // no root yet: more may come
    traces.add([span(TRACE_A, '1', '', 'root')]);
    time.advance(900);
    traces.add([span(TRACE_A, '3', '2', 'the RabbitMQ half, a batch later')]);
    time.advance(900);
    expect(traces.takeWhole()).toEqual([]); // 900 ms quiet only
    time.advance(100);
    expect(traces.takeWhole()).toEqual([
      { traceId: TRACE_A, rooted: true, spans: [expect.anything(), expect.anything(), expect.anything()] },
    ]);
    traces.add([span(TRACE_A, '4', '1', 'too late')]);
    time.advance(2_000);
    expect(traces.takeWhole()).toEqual([]);
    expect(traces.lateSpans).toBe(1);
  });

  it('hands out a trace whose root never comes after 15 s, and earliest started first', () => {
    const time = clock();
    const traces = new WholeTraces({ quietMs: 1_000, now: time.now });
    traces.add([span(TRACE_B, '9', '', 'root B')]);
    traces.add([span(TRACE_A, '2', '1', 'orphan')]);
    time.advance(15_000);
    expect(traces.takeWhole().map((t) => [t.traceId, t.rooted])).toEqual([
      [TRACE_A, false],
      [TRACE_B, true],
    ]);
  });
});

describe('PrintBudget', () => {
  it('allows a burst, then one every everyMs, and counts what it turns away', () => {
    const time = clock();
    const budget = new PrintBudget({ everyMs: 5_000, burst: 2, now: time.now });
    expect([budget.allow(), budget.allow(), budget.allow(), budget.allow()]).toEqual([true, true, false, false]);
    time.advance(4_999);
    expect(budget.allow()).toBe(false);
    time.advance(1);
    expect(budget.allow()).toBe(true);
    expect(budget.takeSkipped()).toBe(3);
    expect(budget.takeSkipped()).toBe(0);
  });
});

describe('renderTrace', () => {
  it('draws one tree with services, durations and error messages, express layers left out', () => {
    const spans = [
      span(TRACE_A, '1', '', 'POST /orders', { service: 'api-gateway' }),
      span(TRACE_A, '2', '1', 'request handler - /orders', {
        service: 'api-gateway',
        scope: { name: '@opentelemetry/instrumentation-express', version: '' },
      }),
      span(TRACE_A, '3', '2', 'POST', { service: 'api-gateway', status: { code: 'ERROR', message: '' } }),
      span(TRACE_A, '4', '3', 'POST /orders', {
        service: 'orders',
        status: { code: 'ERROR', message: 'orders\n  failed' },
      }),
      span(TRACE_A, '5', '1', 'GET', { service: 'api-gateway' }),
    ];
    expect(renderTrace({ traceId: TRACE_A, spans }, 'a note')).toBe(
      [
        `trace ${TRACE_A}  (a note)`,
        'api-gateway  POST /orders  12.3 ms',
        '├── api-gateway  POST  12.3 ms  ✗ error',
        '│   └── orders  POST /orders  12.3 ms  ✗ orders failed',
        '└── api-gateway  GET  12.3 ms',
      ].join('\n'),
    );
  });
});

describe('TracePrinter', () => {
  const order = (traceId: string, userAgent: string) => ({
    traceId,
    rooted: true,
    spans: [span(traceId, '1', '', 'POST /orders', { attributes: { 'user_agent.original': userAgent } })],
  });

  it('prints one load-generator trace every 5 s, saying how many it left out, and every trace someone sent', () => {
    const time = clock();
    const printed: string[] = [];
    const printer = new TracePrinter({ quietMs: 1_000, now: time.now, print: (text: string) => printed.push(text) });
    for (let i = 0; i < 6; i++) printer.printTrace(order(`${i}`.repeat(32), LOAD_USER_AGENT));
    printer.printTrace(order(TRACE_A, 'curl/8.5.0'));
    time.advance(5_000);
    printer.printTrace(order(TRACE_B, LOAD_USER_AGENT));
    expect(printed.map((text) => text.split('\n')[0])).toEqual([
      `trace ${'0'.repeat(32)}  (load generator)`,
      `trace ${TRACE_A}`,
      `trace ${TRACE_B}  (load generator, 5 not printed since the last one)`,
    ]);
    // Each trace is one call, ending in an empty line.
    expect(printed.every((text) => text.endsWith('ms\n'))).toBe(true);
  });
});
