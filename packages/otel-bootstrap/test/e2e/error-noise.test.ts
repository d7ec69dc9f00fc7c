import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

/** The names of the root spans of the traces error keeping exported, with OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE set so. */
async function keptTraces(ignore: string | undefined): Promise<string[]> {
  return withReceiver(async (receiver) => {
    const exit = await receiver.runFixture(fixture('error-noise.js'), {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
      OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE: ignore,
      REDIS_URL: serviceUrl('redis'),
      AMQP_URL: serviceUrl('rabbitmq'),
    });
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    const traceIds = new Set(receiver.spans.map((span) => span.traceId));
    const rootOf = (traceId: string) => {
      const spans = receiver.spans.filter((span) => span.traceId === traceId);
      const ids = new Set(spans.map((span) => span.spanId));
      return spans.find((span) => !span.parentSpanId || !ids.has(span.parentSpanId))?.name ?? '?';
    };
    return [...traceIds].map(rootOf).sort();
  });
}

// Each scenario is one trace the 0% head sampler drops; error keeping alone decides whether it is exported:
// login [INTERNAL] → POST [CLIENT] ! 401 → POST [SERVER]
// cache [INTERNAL] → connect, CLIENT SETINFO ×2 ! (Redis 7.0 rejects it), GET, QUIT [CLIENT]
// consume [INTERNAL] → send [PRODUCER], process [CONSUMER] ! nack
// failing [INTERNAL] ! the control: a real error, kept whatever is ignored
describeWithServices(['redis', 'rabbitmq'])('what error keeping keeps, end to end', () => {
  it('by default ignores the 4xx call and the Redis handshake, and keeps the nack and the failure', async () => {
    expect(await keptTraces(undefined)).toEqual(['consume', 'failing']);
  });

  it('with OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE=none keeps every trace with an ERROR span', async () => {
    expect(await keptTraces('none')).toEqual(['cache', 'consume', 'failing', 'login']);
  });

  it('with OTEL_BOOTSTRAP_KEEP_ERRORS_IGNORE=amqp-nack ignores the nack alone', async () => {
    expect(await keptTraces('amqp-nack')).toEqual(['cache', 'failing', 'login']);
  });
});
