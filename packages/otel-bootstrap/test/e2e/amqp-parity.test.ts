import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import type { ReceivedHistogramPoint, ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

// Differential test: the same amqplib calls (test/fixtures/amqp-parity.js) run against the real RabbitMQ twice, once
// with our amqplib instrumentation and once with upstream's (@opentelemetry/instrumentation-amqplib and our hooks),
// and each case's trace must come out the same: span names, kinds, parents, trace state, status, events, links and
// every attribute; so must what the app saw (message headers, baggage, errors) and the messaging.process.duration
// points. Only what differs by nature is normalised: ids, times, the pid in queue names, server-named queues, and the
// amqplib spans' instrumentation scope.

const CASES = [
  'sendToQueue on a channel, consumed and acked',
  'publish to a direct exchange with a routing key, message and correlation ids, app headers',
  'a confirm channel: publish with a callback, sendToQueue without one, waitForConfirms',
  'the callback API: connect, a confirm channel, publish with a callback, consume, ack',
  'nack with requeue, then ack of the redelivery',
  'nack and reject with no arguments (requeue by default), then ack',
  'reject without requeue: dead-lettered to a second queue and consumed there',
  'reject with requeue, then ack of the redelivery',
  'three messages, then nack(last, true, false)',
  'three messages, then ack(last, true)',
  'three messages, ack(second, true), then reject(third)',
  'two queues on one channel, then ack(last, true) across both',
  'ackAll',
  'nackAll(false)',
  'nackAll() requeues; the redeliveries are acked with ackAll',
  'a noAck consumer',
  'a noAck consumer with a truthy noAck that is not true',
  'a channel closed with unacked messages; the redeliveries consumed on another channel',
  'a connection closed with unacked messages',
  'a message acked twice: the channel error ends the unacked one',
  "an ack of an unknown delivery tag (a message of the app's own making)",
  'connect with an options object',
  'connect with an options object of only a hostname and credentials',
  'connect with a URL with a vhost and a query, and no port',
  'a fanout exchange to a server-named queue',
  'a mandatory publish that no queue takes, returned to the app',
  'channel.get: no consumer span, and its ack ends none',
  'the broker cancels the consumer when its queue is deleted: the handler gets null',
  'a confirm channel closed before the broker confirms',
  'a publish the broker nacks (a full queue that rejects publishes)',
  'a publish to a missing exchange on a confirm channel: the channel error ends the unacked delivery',
  'a handler that throws: the channel closes with an error',
  'a noAck handler that throws',
  'baggage travels with the message',
  "the app's own traceparent and tracestate are replaced by the publish's",
  'a handler publishes on to a second queue',
];
// Where ours differs on purpose: amqplib throws out of a publish it refuses, and upstream leaves the span it started
// for it open, never exported; ours ends it ERROR with the exception (see fail() in amqplib/AmqplibInstrumentation.ts).
const DIVERGENT = [
  'publish on a closed channel throws',
  'publish on a closed confirm channel throws, and never calls back',
];
const AMQPLIB_SCOPES = ['@org/otel-bootstrap/amqplib', '@opentelemetry/instrumentation-amqplib'];
const FOREIGN_TRACE = 'a'.repeat(32);
const UNSAMPLED_TRACE = 'c'.repeat(32);

/** What differs between two runs by nature: the pid in queue and exchange names, the broker's queue names. */
const stable = (text: string) => text.replace(/otb\.\d+\./g, 'otb.').replace(/amq\.gen-[\w-]+/g, 'amq.gen-*');
/** Attributes with stable values, keys in order (so the spans sort the same whatever order they were set in). */
const stableValues = (record: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, typeof record[key] === 'string' ? stable(record[key]) : record[key]]),
  );
const scopeOf = (name: string) => (AMQPLIB_SCOPES.includes(name) ? 'the amqplib instrumentation' : name);
const sorted = <T>(items: T[]) => items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

type Normalised = ReturnType<typeof normalise>;

/** A set of spans as a comparable value: parents and links by name, ids and times left out, in a stable order. */
function normalise(spans: readonly ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const nameOf = (id: string) => {
    const span = byId.get(id);
    return span ? stable(span.name) : 'a span elsewhere';
  };
  return sorted(
    spans.map((s) => ({
      name: stable(s.name),
      kind: s.kind,
      parent: s.parentSpanId ? nameOf(s.parentSpanId) : 'root',
      traceState: s.traceState,
      status: { code: s.status.code, message: stable(s.status.message) },
      events: s.events.map((e) => ({ name: e.name, attributes: stableValues(e.attributes) })),
      links: s.links.map((l) => nameOf(l.spanId)),
      attributes: stableValues(s.attributes),
      scope: scopeOf(s.scope.name),
    })),
  );
}

/** The final messaging.process.duration points: attributes and counts (durations differ by nature). */
function processPoints(points: readonly ReceivedHistogramPoint[]) {
  const last = new Map<string, ReceivedHistogramPoint>();
  for (const p of points.filter((p) => p.name === 'messaging.process.duration')) {
    last.set(`${p.scope} ${JSON.stringify(p.attributes)}`, p);
  }
  return sorted(
    [...last.values()].map((p) => ({
      scope: scopeOf(p.scope),
      attributes: stableValues(p.attributes),
      count: p.count,
    })),
  );
}

interface Run {
  readonly traces: Map<string, Normalised>;
  /** Spans in no case's trace: those of the OUTSIDE calls, made outside any span. */
  readonly outside: Normalised;
  /** The names in each trace of `outside`, for which span starts which trace. */
  readonly outsideTraces: string[][];
  readonly spans: readonly ReceivedSpan[];
  readonly amqplibScopes: Set<string>;
  /** What the app saw, by case (the fixture's JSON line). */
  readonly seen: Record<string, string[]>;
  readonly points: ReturnType<typeof processPoints>;
}

async function runCases(mode: 'lean' | 'upstream'): Promise<Run> {
  const { spans, stdout, histograms } = await withReceiver(async (receiver) => {
    const exit = await receiver.runFixture(fixture('amqp-parity.js'), {
      OTEL_SERVICE_NAME: 'amqp-parity',
      OTEL_BOOTSTRAP_AMQPLIB: mode,
      AMQP_URL: serviceUrl('rabbitmq'),
    });
    expect(exit).toMatchObject({ code: 0, stdout: expect.stringMatching(/\ndone\n$/), stderr: '' });
    return { spans: receiver.spans, stdout: exit.stdout, histograms: receiver.histogramPoints() };
  });
  const traces = new Map<string, Normalised>();
  const caseTraces = new Set<string>();
  for (const name of [...CASES, ...DIVERGENT]) {
    const root = spans.find((s) => s.name === `case: ${name}`);
    if (!root) throw new Error(`no span for case ${name}`);
    caseTraces.add(root.traceId);
    traces.set(name, normalise(spans.filter((s) => s.traceId === root.traceId)));
  }
  expect(spans.filter((s) => s.name.startsWith('case: '))).toHaveLength(CASES.length + DIVERGENT.length);
  const outsideSpans = spans.filter((s) => !caseTraces.has(s.traceId));
  const outsideTraceIds = [...new Set(outsideSpans.map((s) => s.traceId))];
  const outsideTraces = sorted(
    outsideTraceIds.map((id) =>
      outsideSpans
        .filter((s) => s.traceId === id)
        .map((s) => stable(s.name))
        .sort(),
    ),
  );
  return {
    traces,
    outside: normalise(outsideSpans),
    outsideTraces,
    spans,
    amqplibScopes: new Set(spans.filter((s) => s.kind !== 'INTERNAL').map((s) => s.scope.name)),
    seen: JSON.parse(stable(stdout.split('\n')[0])) as Record<string, string[]>,
    points: processPoints(histograms),
  };
}

describeWithServices(['rabbitmq'])('our amqplib spans match upstream instrumentation-amqplib, call for call', () => {
  let lean: Run;
  let upstream: Run;

  beforeAll(async () => {
    lean = await runCases('lean');
    upstream = await runCases('upstream');
  }, 120_000);

  it('really compares two implementations', () => {
    expect([...lean.amqplibScopes]).toEqual(['@org/otel-bootstrap/amqplib']);
    expect([...upstream.amqplibScopes]).toEqual(['@opentelemetry/instrumentation-amqplib']);
  });

  it.each(CASES.map((name) => [name]))('%s: the same trace', (name) => {
    expect(lean.traces.get(name)).toEqual(upstream.traces.get(name));
  });

  it.each(DIVERGENT.map((name) => [name]))('%s: ours ends the publish span ERROR, upstream never ends it', (name) => {
    // case: publish on a closed ... [INTERNAL]
    // └── publish <default> [PRODUCER] ! Channel closed, exception IllegalOperationError (ours only)
    const producers = lean.traces.get(name)!.filter((s) => s.kind === 'PRODUCER');
    expect(producers).toEqual([
      expect.objectContaining({
        name: 'publish <default>',
        parent: `case: ${name}`,
        status: { code: 'ERROR', message: 'Channel closed' },
        events: [
          {
            name: 'exception',
            attributes: expect.objectContaining({
              'exception.type': 'IllegalOperationError',
              'exception.message': 'Channel closed',
            }),
          },
        ],
        attributes: expect.objectContaining({ 'messaging.destination.name': 'otb.closed' }),
      }),
    ]);
    expect(lean.traces.get(name)!.filter((s) => s.kind !== 'PRODUCER')).toEqual(upstream.traces.get(name));
    expect(upstream.traces.get(name)!.map((s) => s.name)).toEqual([`case: ${name}`]);
    expect(lean.seen[name]).toEqual(['publish threw: Channel closed']);
  });

  it('calls outside any span: the same spans, in the same traces', () => {
    expect(lean.outside).toEqual(upstream.outside);
    expect(lean.outsideTraces).toEqual(upstream.outsideTraces);
  });

  it('the app sees the same: headers, baggage, confirms and errors', () => {
    expect(lean.seen).toEqual(upstream.seen);
  });

  it('the same messaging.process.duration points, with the same counts', () => {
    expect(lean.points).toEqual(upstream.points);
  });

  describe('the cases cover what they claim (on the upstream run)', () => {
    /** A case's trace as `parent > name`, `! status` when ERROR, the case's root span written "case". */
    const tree = (name: string) =>
      upstream.traces
        .get(name)!
        .map((s) => {
          const line = `${s.parent} > ${s.name}${s.status.code === 'ERROR' ? ` ! ${s.status.message}` : ''}`;
          return line.replaceAll(`case: ${name}`, 'case');
        })
        .sort();
    const consumers = (name: string) => upstream.traces.get(name)!.filter((s) => s.kind === 'CONSUMER');
    /** The consumer spans' status messages ('' when not ERROR), by message id. */
    const statusById = (name: string) =>
      Object.fromEntries(consumers(name).map((s) => [s.attributes['messaging.message_id'], s.status.message]));
    const seen = (name: string) => upstream.seen[name];

    it('a message: publish under the case, the consumer under the publish, the handler under the consumer', () => {
      // case: sendToQueue ... [INTERNAL]
      // └── publish <default> [PRODUCER]
      //     └── otb.plain process [CONSUMER]
      //         └── handler [INTERNAL]
      expect(tree('sendToQueue on a channel, consumed and acked')).toEqual([
        'case > publish <default>',
        'otb.plain process > handler',
        'publish <default> > otb.plain process',
        'root > case',
      ]);
      expect(tree('a handler publishes on to a second queue')).toEqual(
        expect.arrayContaining(['otb.stage1 process > publish <default>', 'publish <default> > otb.stage2 process']),
      );
    });

    it('exchange, routing key, message and correlation ids; the app header gets through', () => {
      const name = 'publish to a direct exchange with a routing key, message and correlation ids, app headers';
      const [consumer] = consumers(name);
      expect(consumer.parent).toBe('publish otb.direct');
      expect(consumer.attributes).toMatchObject({
        'messaging.destination': 'otb.direct',
        'messaging.rabbitmq.routing_key': 'order.created',
        'messaging.message_id': 'message-1',
        'messaging.conversation_id': 'conversation-1',
        'messaging.destination.name': 'otb.direct',
        'messaging.url': expect.stringContaining(':***@'),
      });
      expect(seen(name)).toEqual(['headers: traceparent,tracestate,x-app', 'x-app: kept']);
    });

    it('confirm channels: one span per publish, ended on the confirm; the callback runs under its publish', () => {
      const promise = 'a confirm channel: publish with a callback, sendToQueue without one, waitForConfirms';
      expect(tree(promise).filter((line) => line.startsWith('case >'))).toEqual([
        'case > publish <default>',
        'case > publish <default>',
      ]);
      expect(tree(promise)).toContain('publish <default> > confirm callback');
      const callbacks = 'the callback API: connect, a confirm channel, publish with a callback, consume, ack';
      expect(tree(callbacks)).toEqual(
        expect.arrayContaining([
          'publish <default> > confirm callback',
          'publish <default> > otb.callback-api process',
        ]),
      );
      const full = 'a publish the broker nacks (a full queue that rejects publishes)';
      const producers = upstream.traces.get(full)!.filter((s) => s.kind === 'PRODUCER');
      expect(
        Object.fromEntries(producers.map((s) => [s.attributes['messaging.message_id'], s.status.message])),
      ).toEqual({ fits: '', rejected: "message confirmation has been nack'ed" });
      expect(seen(full)).toContain('confirm rejected: message nacked');
      // a close before the broker's ack reaches the callback as an error, so upstream calls it a nack
      expect(tree('a confirm channel closed before the broker confirms')).toContain(
        "case > publish <default> ! message confirmation has been nack'ed",
      );
    });

    it('nack, reject, nackAll: the status says which, and whether it requeued', () => {
      const statuses = (name: string) =>
        consumers(name)
          .map((s) => s.status.message)
          .sort();
      expect(statuses('nack with requeue, then ack of the redelivery')).toEqual([
        '',
        'nack called on message with requeue',
      ]);
      expect(statuses('nack and reject with no arguments (requeue by default), then ack')).toEqual([
        '',
        'nack called on message',
        'reject called on message',
      ]);
      expect(statuses('reject with requeue, then ack of the redelivery')).toEqual([
        '',
        'reject called on message with requeue',
      ]);
      expect(statuses('three messages, then nack(last, true, false)')).toEqual(
        Array(3).fill('nack called on message without requeue'),
      );
      expect(statuses('three messages, then ack(last, true)')).toEqual(['', '', '']);
      expect(statusById('three messages, ack(second, true), then reject(third)')).toEqual({
        m1: '',
        m2: '',
        m3: 'reject called on message without requeue',
      });
      expect(statuses('two queues on one channel, then ack(last, true) across both')).toEqual(['', '', '', '']);
      expect(statuses('ackAll')).toEqual(['', '']);
      expect(statuses('nackAll(false)')).toEqual(Array(2).fill('nackAll called on message without requeue'));
      expect(statuses('nackAll() requeues; the redeliveries are acked with ackAll')).toEqual([
        '',
        '',
        'nackAll called on message',
        'nackAll called on message',
      ]);
      expect(statuses('a noAck consumer')).toEqual(['', '']);
      expect(statuses('a noAck consumer with a truthy noAck that is not true')).toEqual(['', '']);
    });

    it('a dead-lettered message keeps its producer as parent', () => {
      const name = 'reject without requeue: dead-lettered to a second queue and consumed there';
      expect(tree(name)).toEqual(
        expect.arrayContaining([
          'publish <default> > otb.dead-letter-source process ! reject called on message without requeue',
          'publish <default> > otb.dead-letters process',
        ]),
      );
      expect(seen(name)[1]).toMatch(/^headers: traceparent,tracestate,x-death,/);
    });

    it('a closed channel or connection ends its unacked spans "channel closed", an error "channel error"', () => {
      const closed = 'a channel closed with unacked messages; the redeliveries consumed on another channel';
      expect(statusById('a connection closed with unacked messages')).toEqual({
        m1: 'channel closed',
        m2: 'channel closed',
      });
      expect(
        consumers(closed)
          .map((s) => `${s.attributes['messaging.message_id']} ${s.status.message}`)
          .sort(),
      ).toEqual(['m1 ', 'm1 channel closed', 'm2 ', 'm2 channel closed']);
      expect(consumers(closed).every((s) => s.parent === 'publish <default>')).toBe(true);
      expect(statusById('a message acked twice: the channel error ends the unacked one')).toEqual({
        m1: '',
        m2: 'channel error',
      });
      const unknown = "an ack of an unknown delivery tag (a message of the app's own making)";
      expect(consumers(unknown).map((s) => s.status.message)).toEqual(['channel error']);
      expect(seen(unknown).at(-1)).toContain('PRECONDITION_FAILED - unknown delivery tag 99');
      const missing =
        'a publish to a missing exchange on a confirm channel: the channel error ends the unacked delivery';
      expect(tree(missing)).toEqual(
        expect.arrayContaining([
          "case > publish otb.missing ! message confirmation has been nack'ed",
          'publish <default> > otb.missing-exchange process ! channel error',
        ]),
      );
      expect(consumers('a handler that throws: the channel closes with an error')[0].status.message).toBe(
        'channel error',
      );
      expect(seen('a handler that throws: the channel closes with an error')).toEqual([
        'channel error: handler failed',
      ]);
    });

    it('connection attributes from a URL, from an options object, and from their defaults', () => {
      const { hostname } = new URL(serviceUrl('rabbitmq'));
      const attributes = (name: string) => consumers(name)[0].attributes;
      const fromOptions = {
        'messaging.protocol': 'AMQP',
        'messaging.protocol_version': '0.9.1',
        'messaging.system': 'rabbitmq',
        'server.address': hostname,
        'server.port': 5672,
      };
      expect(attributes('connect with an options object')).toMatchObject(fromOptions);
      expect(attributes('connect with an options object')).not.toHaveProperty('messaging.url');
      expect(attributes('connect with an options object of only a hostname and credentials')).toMatchObject(
        fromOptions,
      );
      expect(attributes('connect with a URL with a vhost and a query, and no port')).toMatchObject({
        ...fromOptions,
        'messaging.url': `amqp://guest:***@${hostname}/%2F?heartbeat=0`,
      });
    });

    it('calls upstream does not instrument: get, returns, cancels; spans upstream never ends', () => {
      const kinds = (name: string) => upstream.traces.get(name)!.map((s) => s.kind);
      expect(kinds('channel.get: no consumer span, and its ack ends none')).not.toContain('CONSUMER');
      expect(tree('a mandatory publish that no queue takes, returned to the app')).toEqual([
        'case > publish amq.direct',
        'root > case',
      ]);
      expect(seen('a mandatory publish that no queue takes, returned to the app')).toEqual(['returned: NO_ROUTE']);
      const cancelled = 'the broker cancels the consumer when its queue is deleted: the handler gets null';
      expect(consumers(cancelled)).toHaveLength(1);
      expect(seen(cancelled)).toContain('headers: null');
      expect(tree('a fanout exchange to a server-named queue')).toContain('publish otb.fanout > amq.gen-* process');
      // upstream starts the consumer span, the handler throws past its end, and it is never ended
      expect(tree('a noAck handler that throws')).toEqual([
        'a span elsewhere > handler',
        'case > publish <default>',
        'root > case',
      ]);
    });

    it('headers: baggage travels, and the publish replaces a traceparent the app set', () => {
      expect(seen('baggage travels with the message')).toEqual([
        'headers: baggage,traceparent,tracestate',
        'baggage: [["tenant",{"value":"acme"}]]',
      ]);
      const own = "the app's own traceparent and tracestate are replaced by the publish's";
      expect(seen(own)).toEqual(['headers: traceparent,tracestate', 'traceparent replaced: true, tracestate: ot=th:0']);
      expect(tree(own)).toContain('publish <default> > otb.own-traceparent process');
    });

    it('outside any span: the producer is a root; a malformed traceparent starts a trace, a foreign one is joined', () => {
      const lines = upstream.outside.map((s) => `${s.parent} > ${s.name}`).sort();
      expect(lines).toEqual([
        'a span elsewhere > otb.foreign process',
        'a span elsewhere > otb.unsampled process',
        'otb.foreign process > handler',
        'otb.malformed process > handler',
        'otb.outside process > handler',
        'otb.unsampled process > handler',
        'publish <default> > otb.outside process',
        'root > otb.malformed process',
        'root > publish <default>',
      ]);
      expect(upstream.outsideTraces).toEqual([
        ['handler', 'otb.foreign process'],
        ['handler', 'otb.malformed process'],
        ['handler', 'otb.outside process', 'publish <default>'],
        ['handler', 'otb.unsampled process'],
      ]);
      const traceOf = (name: string) => upstream.spans.find((s) => stable(s.name) === name)!.traceId;
      expect(traceOf('otb.foreign process')).toBe(FOREIGN_TRACE);
      // unsampled: the acked consumer is dropped, the rejected one kept by error keeping
      expect(traceOf('otb.unsampled process')).toBe(UNSAMPLED_TRACE);
      const unsampled = upstream.outside.filter((s) => s.name === 'otb.unsampled process');
      expect(unsampled.map((s) => [s.attributes['messaging.message_id'], s.status.message])).toEqual([
        ['rejected', 'reject called on message without requeue'],
      ]);
      expect(seen('a suppressed publish with a malformed traceparent: the consumer starts its own trace')).toEqual([
        'headers: traceparent,x-app',
      ]);
    });

    it('messaging.process.duration: one point per destination and outcome, counted per message', () => {
      const count = (destination: string, errorType?: string) =>
        upstream.points.find(
          (p) => p.attributes['messaging.destination.name'] === destination && p.attributes['error.type'] === errorType,
        )?.count;
      expect(count('otb.plain')).toBe(1);
      expect(count('otb.direct')).toBe(1);
      expect(count('otb.nack-requeue', 'nack')).toBe(1);
      expect(count('otb.nack-requeue')).toBe(1);
      expect(count('otb.nack-up-to', 'nack')).toBe(3);
      expect(count('otb.nack-all', 'nackAll')).toBe(2);
      expect(count('otb.closed-unacked', 'channel closed')).toBe(2);
      expect(count('otb.acked-twice', 'channel error')).toBe(1);
      expect(count('otb.no-ack')).toBe(2);
      expect(count('otb.unsampled')).toBe(1);
      expect(count('otb.unsampled', 'reject')).toBe(1);
      expect(count('otb.throwing-no-ack')).toBeUndefined();
    });
  });
});
