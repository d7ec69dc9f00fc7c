import { OtlpReceiver } from './otlp-receiver';
import { startFixture } from './run-fixture';
import type { FixtureExit, FixtureOptions, RunningFixture } from './run-fixture';

/** Environment for a fixture, merged over the receiver's own (see {@link TestReceiver}). */
export type FixtureEnv = Readonly<Record<string, string | undefined>>;

/** How a fixture is started, apart from its script and environment. */
export type StartOptions = Omit<FixtureOptions, 'script' | 'env'>;

export interface ServiceOptions extends StartOptions {
  /** The line the service prints once it listens; its first group is the port. `listening <port>` by default. */
  readonly ready?: RegExp;
}

/** A started service fixture, once it listens. */
export interface StartedService {
  readonly fixture: RunningFixture;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * An {@link OtlpReceiver} that also starts the fixtures whose spans it receives: every fixture it starts gets
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set to this receiver, then the receiver's default environment, then the call's own
 * (so a call can still point a fixture elsewhere). It remembers what it started, so a test never leaves a process
 * behind; {@link useReceiver} and {@link withReceiver} kill them.
 */
export class TestReceiver extends OtlpReceiver {
  private readonly fixtures: RunningFixture[] = [];

  /** @param env - environment every fixture gets, e.g. a short `OTEL_BSP_SCHEDULE_DELAY`. */
  constructor(private readonly env: FixtureEnv = {}) {
    super();
  }

  /** How many fixtures were started and not yet killed; {@link killFixtures} takes it to keep the older ones. */
  get fixtureCount(): number {
    return this.fixtures.length;
  }

  /** Runs a fixture to its end. */
  runFixture(script: string, env: FixtureEnv = {}, options: StartOptions = {}): Promise<FixtureExit> {
    return this.startFixture(script, env, options).exited;
  }

  /** Starts a fixture and returns at once; it is killed when the test (or the `describe` that started it) ends. */
  startFixture(script: string, env: FixtureEnv = {}, options: StartOptions = {}): RunningFixture {
    const fixture = startFixture({
      ...options,
      script,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: this.url, ...this.env, ...env },
    });
    this.fixtures.push(fixture);
    return fixture;
  }

  /** Starts a fixture that serves HTTP and resolves once it prints the port it listens on. */
  async startService(script: string, env: FixtureEnv = {}, options: ServiceOptions = {}): Promise<StartedService> {
    const { ready = /listening (\d+)/, ...start } = options;
    const fixture = this.startFixture(script, env, start);
    const [, port] = await fixture.waitForLine(ready);
    return { fixture, port: Number(port), url: `http://127.0.0.1:${port}` };
  }

  /** Kills (SIGKILL) every fixture started after the first `keep`, and forgets them. */
  killFixtures(keep = 0): void {
    for (const fixture of this.fixtures.splice(keep)) fixture.kill('SIGKILL');
  }

  /** Forgets every span, metric, log record, request and decode error received so far. */
  clear(): void {
    this.spans.splice(0);
    this.metrics.splice(0);
    this.logs.splice(0);
    this.requests.splice(0);
    this.metricRequests.splice(0);
    this.logRequests.splice(0);
    this.decodeErrors.splice(0);
  }
}

export interface UseReceiverOptions {
  /** Environment every fixture gets, besides the receiver's endpoint. */
  readonly env?: FixtureEnv;
  /**
   * `describe` (the default): one receiver for the whole `describe` block, started in `beforeAll`.
   * `test`: an empty receiver for every test, on a new port, so no test sees another's spans.
   */
  readonly scope?: 'describe' | 'test';
}

/**
 * Registers the jest hooks of an end-to-end `describe` block: starts a {@link TestReceiver} before its tests and
 * stops it after them. A fixture a test (or a `beforeEach`) starts is killed after that test; one a `beforeAll`
 * starts, after the block. Call it first in the block, so its hooks run before the block's own `beforeAll`, which
 * may already start fixtures.
 */
export function useReceiver(options: UseReceiverOptions = {}): TestReceiver {
  const receiver = new TestReceiver(options.env);
  let startedBeforeTest = 0;
  if (options.scope === 'test') {
    beforeEach(async () => {
      receiver.clear();
      await receiver.start();
    });
    afterEach(async () => {
      receiver.killFixtures();
      await receiver.stop();
    });
    return receiver;
  }
  beforeAll(() => receiver.start());
  beforeEach(() => {
    startedBeforeTest = receiver.fixtureCount;
  });
  afterEach(() => receiver.killFixtures(startedBeforeTest));
  afterAll(async () => {
    receiver.killFixtures();
    await receiver.stop();
  });
  return receiver;
}

/**
 * Runs `body` with a started {@link TestReceiver}, for a receiver of one run inside a test or a helper. Kills the
 * fixtures it started and stops the receiver when `body` settles, whichever way.
 */
export async function withReceiver<T>(body: (receiver: TestReceiver) => Promise<T>, env?: FixtureEnv): Promise<T> {
  const receiver = new TestReceiver(env);
  await receiver.start();
  try {
    return await body(receiver);
  } finally {
    receiver.killFixtures();
    await receiver.stop();
  }
}
