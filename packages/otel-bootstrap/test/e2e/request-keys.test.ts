import { startFixture } from '@org/otel-testing';
import type { RunningFixture } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

// Issue 19: a preloaded tracer must leave the app's objects as they were. Our server instrumentation keeps the
// request's context and emit wrapper on the request and response; untraced code must not see them.
describe('what the app sees of a request and its response', () => {
  const running: RunningFixture[] = [];
  afterAll(() => running.forEach((f) => f.kill('SIGKILL')));

  async function observe(mode: 'none' | 'require'): Promise<unknown> {
    const service = startFixture({
      script: fixture('request-keys.js'),
      mode,
      env: { OTEL_TRACES_EXPORTER: 'none' },
    });
    running.push(service);
    const [, port] = await service.waitForLine(/listening (\d+)/);
    return JSON.parse((await get(`http://127.0.0.1:${port}/`)).body);
  }

  it('has the same own enumerable keys, and spreads the same, with the bootstrap as without', async () => {
    const without = await observe('none');
    const withBootstrap = await observe('require');
    expect(withBootstrap).toEqual(without);
  });
});
