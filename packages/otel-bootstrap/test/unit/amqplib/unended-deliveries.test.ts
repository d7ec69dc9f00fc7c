import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { UnendedDeliveries } from '../../../src/instrumentation/amqplib/unended-deliveries';
import type { Delivery } from '../../../src/instrumentation/amqplib/unended-deliveries';

/** A span that remembers its status and whether it ended. */
function fakeSpan() {
  const state = { status: undefined as { code: SpanStatusCode; message?: string } | undefined, ended: 0 };
  const span = {
    setStatus: (status: { code: SpanStatusCode; message?: string }) => ((state.status = status), span),
    end: () => void state.ended++,
  } as unknown as Span;
  return { span, state };
}

function deliveries(count: number, start = 0) {
  const unended = new UnendedDeliveries();
  const made = Array.from({ length: count }, (_, i) => {
    const { span, state } = fakeSpan();
    const delivery: Delivery = {
      message: { fields: { exchange: '', routingKey: `q${i}`, deliveryTag: i + 1 } },
      span,
      start: start + i,
      metricContext: undefined,
    };
    unended.add(delivery);
    return { message: delivery.message, state };
  });
  return { unended, made };
}

describe('UnendedDeliveries', () => {
  afterEach(() => jest.restoreAllMocks());

  it('ends only the acked message, once, with no status', () => {
    const { unended, made } = deliveries(3);
    unended.end(made[1].message, false, false, 'ack', undefined);
    unended.end(made[1].message, false, false, 'ack', undefined);
    expect(made.map((m) => m.state.ended)).toEqual([0, 1, 0]);
    expect(made[1].state.status).toBeUndefined();
  });

  it('ends the span of a copy of the message, found by its delivery tag', () => {
    const { unended, made } = deliveries(3);
    unended.end({ ...made[1].message, fields: { ...made[1].message.fields } }, false, false, 'ack', undefined);
    unended.end({ fields: { deliveryTag: 99 } }, false, false, 'ack', undefined);
    expect(made.map((m) => m.state.ended)).toEqual([0, 1, 0]);
  });

  it('ends every delivery up to the message with allUpTo, and none after it', () => {
    const { unended, made } = deliveries(4);
    unended.end(made[2].message, true, true, 'nack', false);
    expect(made.map((m) => m.state.ended)).toEqual([1, 1, 1, 0]);
    expect(made[0].state.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'nack called on message without requeue',
    });
    unended.endAll(false, 'ackAll');
    expect(made.map((m) => m.state.ended)).toEqual([1, 1, 1, 1]);
    expect(made[3].state.status).toBeUndefined();
  });

  it("words a status as upstream does: requeue or not, and the channel's close and error as they are", () => {
    const { unended, made } = deliveries(4);
    unended.end(made[0].message, false, true, 'reject', true);
    unended.end(made[1].message, false, true, 'nack', 'yes');
    unended.endAll(true, 'channel error');
    expect(made.map((m) => m.state.status?.message)).toEqual([
      'reject called on message with requeue',
      'nack called on message',
      'channel error',
      'channel error',
    ]);
  });

  it('ends as timed out only the deliveries at least the timeout old, oldest first', () => {
    const { unended, made } = deliveries(3, 1000);
    jest.spyOn(performance, 'now').mockReturnValue(61_000);
    unended.endOlderThan(60_000); // the first is exactly 60 000 ms old, the second 59 999
    expect(made.map((m) => m.state.ended)).toEqual([1, 0, 0]);
    expect(made[0].state.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'instrumentation timeout called on message with requeue',
    });
    unended.end(made[0].message, false, false, 'ack', undefined);
    expect(made[0].state.ended).toBe(1);
  });
});
