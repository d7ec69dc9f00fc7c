import { dirname, join } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { connectionAttributes } from '../../../src/instrumentation/amqplib/connection-attributes';
import type { ConnectTarget } from '../../../src/instrumentation/amqplib/connection-attributes';

// Differential: our connection attributes against upstream instrumentation-amqplib 0.71.0's own functions, for URLs
// and option objects of every shape (its utils file is internal, so it is loaded by its path).
interface UpstreamUtils {
  getConnectionAttributesFromUrl(url: ConnectTarget): Attributes;
  getConnectionAttributesFromServer(connection: { serverProperties: { product?: unknown } }): Attributes;
}
const upstream = require(
  join(dirname(require.resolve('@opentelemetry/instrumentation-amqplib')), 'utils.cjs'),
) as UpstreamUtils;

function upstreamAttributes(target: ConnectTarget, product: unknown): Attributes {
  return {
    ...upstream.getConnectionAttributesFromUrl(target),
    ...upstream.getConnectionAttributesFromServer({ serverProperties: { product } }),
  };
}

const TARGETS: ConnectTarget[] = [
  undefined,
  '',
  'amqp://localhost',
  'amqp://guest:guest@127.0.0.1:5672',
  'amqp://guest:guest@127.0.0.1:5672/vhost?heartbeat=10',
  'amqps://user:s3cr%40t@broker.example.com',
  'amqps://broker.example.com:5999/',
  'AMQP://Broker.Example.com',
  'amqp://user@host',
  'amqp://:pass@host:1',
  'amqp://[::1]:5672',
  'amqp://host:notaport',
  'not a url',
  'amqp://guest:gu:est@host',
  'redis://host',
  {},
  { hostname: 'rabbit', port: 5673 },
  { protocol: 'amqps', hostname: 'rabbit' },
  { protocol: 'amqps:', port: 0 },
  { protocol: 'AMQP', hostname: '', port: 1 },
];
const PRODUCTS: unknown[] = ['RabbitMQ', undefined, '', 42];

describe('amqplib connection attributes', () => {
  beforeAll(() => jest.spyOn(diag, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it.each(TARGETS.map((target) => [JSON.stringify(target), target]))('%s: what upstream sets', (_name, target) => {
    for (const product of PRODUCTS) {
      expect(connectionAttributes(target, product)).toEqual(upstreamAttributes(target, product));
    }
  });

  it('never carries the password', () => {
    const attributes = connectionAttributes('amqps://user:s3cr3t@broker:5671', 'RabbitMQ');
    expect(attributes).toEqual({
      'messaging.protocol_version': '0.9.1',
      'messaging.url': 'amqps://user:***@broker:5671',
      'messaging.protocol': 'AMQPS',
      'server.address': 'broker',
      'server.port': 5671,
      'messaging.system': 'rabbitmq',
    });
  });
});
