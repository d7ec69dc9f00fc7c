import { spawnSync } from 'node:child_process';

/** A backing service the end-to-end tests use, and the variable that points them elsewhere. */
interface ServiceSpec {
  readonly label: string;
  readonly variable: string;
  readonly defaultUrl: string;
}

const SERVICES = {
  postgres: { label: 'PostgreSQL', variable: 'OTB_TEST_PG_URL', defaultUrl: 'postgres://postgres@127.0.0.1:5432/test' },
  redis: { label: 'Redis', variable: 'OTB_TEST_REDIS_URL', defaultUrl: 'redis://127.0.0.1:6379' },
  rabbitmq: { label: 'RabbitMQ', variable: 'OTB_TEST_AMQP_URL', defaultUrl: 'amqp://guest:guest@127.0.0.1:5672' },
} as const satisfies Record<string, ServiceSpec>;

export type ServiceName = keyof typeof SERVICES;

/** The URL a test should use for a service: its variable, or the project machine's default. */
export function serviceUrl(name: ServiceName): string {
  const spec: ServiceSpec = SERVICES[name];
  return process.env[spec.variable] || spec.defaultUrl;
}

/**
 * `describe` when every named service accepts a TCP connection, otherwise `describe.skip` with a message naming the
 * variable to set. Under CI=true a missing service is an error, so CI can never pass by skipping.
 *
 * Jest registers tests synchronously, so the check runs as a short synchronous child process.
 */
export function describeWithServices(names: readonly ServiceName[]): jest.Describe {
  const missing = names.filter((name) => !reachable(serviceUrl(name)));
  if (missing.length === 0) return describe;
  const message = missing
    .map((name) => {
      const spec: ServiceSpec = SERVICES[name];
      return `${spec.label} is not reachable at ${serviceUrl(name)}; set ${spec.variable} to a running one`;
    })
    .join('\n');
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`skipping tests: ${message}\n`);
  return describe.skip;
}

function reachable(url: string): boolean {
  const { hostname, port } = new URL(url);
  const probe = `require('net').connect(${Number(port)}, ${JSON.stringify(hostname)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
}
