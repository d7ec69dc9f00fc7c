import { describeWithServices, serviceUrl, treeShape, useReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture } from '../helpers/http';

describeWithServices(['rabbitmq']).each([['amqp-app.js'], ['amqp-app.mjs']])(
  'amqplib on real RabbitMQ (%s)',
  (script) => {
    const receiver = useReceiver();
    let spans: ReceivedSpan[] = [];

    beforeAll(async () => {
      const exit = await receiver.runFixture(fixture(script), { AMQP_URL: serviceUrl('rabbitmq') });
      expect(exit).toMatchObject({ code: 0, stderr: '' });
      spans = receiver.spans;
    });

    it('continues the producer trace in every consumer, through three stages', () => {
      // amqp-scenario [INTERNAL]
      // ├── publish (channel) [PRODUCER]
      // │   └── work process [CONSUMER]                 ack
      // ├── publish (confirm channel) [PRODUCER]
      // │   ├── work process [CONSUMER] ! ERROR         nack, requeue
      // │   └── work process [CONSUMER]                 ack of the redelivery
      // └── publish [PRODUCER] → stage1 process → publish → stage2 process → publish → stage3 process
      const shape = treeShape(spans).replace(/otb\.\d+\./g, '');
      expect(shape).toBe(
        [
          'fixture-app: amqp-scenario [INTERNAL]',
          '├── fixture-app: publish <default> [PRODUCER]',
          '│   └── fixture-app: work process [CONSUMER]',
          '├── fixture-app: publish <default> [PRODUCER]',
          '│   ├── fixture-app: work process [CONSUMER]',
          '│   └── fixture-app: work process [CONSUMER]',
          '└── fixture-app: publish <default> [PRODUCER]',
          '    └── fixture-app: stage1 process [CONSUMER]',
          '        └── fixture-app: publish <default> [PRODUCER]',
          '            └── fixture-app: stage2 process [CONSUMER]',
          '                └── fixture-app: publish <default> [PRODUCER]',
          '                    └── fixture-app: stage3 process [CONSUMER]',
        ].join('\n'),
      );
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    });

    it('carries the current messaging semantic conventions', () => {
      const producers = spans.filter((s) => s.kind === 'PRODUCER');
      const consumers = spans.filter((s) => s.kind === 'CONSUMER');
      expect(producers).toHaveLength(5);
      expect(consumers).toHaveLength(6);
      for (const span of producers) {
        expect(span.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send' });
        expect(span.attributes['messaging.destination.name']).toMatch(/^otb\.\d+\.(work|stage[123])$/);
      }
      for (const span of consumers) {
        expect(span.attributes).toMatchObject({
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
        });
        expect(span.name).toBe(`${String(span.attributes['messaging.destination.name'])} process`);
      }
    });

    it('marks the nack-and-requeue delivery ERROR, and only that one', () => {
      const errors = spans.filter((s) => s.status.code === 'ERROR');
      expect(errors.map((s) => [s.kind, s.status.message])).toEqual([
        ['CONSUMER', 'nack called on message with requeue'],
      ]);
    });

    it('never exports the broker password', () => {
      const wire = receiver.requests.map((r) => r.body.toString('latin1')).join('\n');
      expect(wire).not.toMatch(/guest:guest@/);
    });
  },
);
