import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';

// Our express instrumentation overrides upstream's private _applyPatch(layer, layerPath). What it does to express is
// checked end to end (test/e2e/express-parity.test.ts); this checks the guard for an upstream version without it.

type Loaded = typeof import('../../src/instrumentation/express/ExpressInstrumentation');
type Upstream = typeof import('@opentelemetry/instrumentation-express');

function logger(): jest.Mocked<DiagLogger> {
  return { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
}

/**
 * A fresh copy of our module and of upstream's, so that its warn-once state starts anew; `change` alters upstream's
 * prototype first, as another upstream version would have it.
 */
function load(change: (prototype: Record<string, unknown>) => void = () => {}): Loaded {
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    const upstream = jest.requireActual<Upstream>('@opentelemetry/instrumentation-express');
    change(upstream.ExpressInstrumentation.prototype as unknown as Record<string, unknown>);
    loaded = jest.requireActual<Loaded>('../../src/instrumentation/express/ExpressInstrumentation');
  });
  return loaded!;
}

describe('ExpressInstrumentation', () => {
  let log: jest.Mocked<DiagLogger>;

  beforeEach(() => {
    log = logger();
    diag.setLogger(log, DiagLogLevel.WARN);
  });

  afterEach(() => diag.disable());

  it('patches layers through its own _applyPatch with the upstream version it was written against', () => {
    const { ExpressInstrumentation } = load();
    const instrumentation = new ExpressInstrumentation({ enabled: false });
    expect(Object.hasOwn(instrumentation, '_applyPatch')).toBe(true);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it.each([
    ['has no _applyPatch', undefined],
    ['has an _applyPatch of another shape', (layer: unknown) => layer],
  ])('instruments as upstream does, and warns once, when upstream %s', (_, replacement) => {
    const { ExpressInstrumentation } = load((prototype) => {
      prototype._applyPatch = replacement;
    });
    const instances = [new ExpressInstrumentation({ enabled: false }), new ExpressInstrumentation({ enabled: false })];
    expect(instances.map((i) => Object.hasOwn(i, '_applyPatch'))).toEqual([false, false]);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(/express instrumentation: .*no _applyPatch\(layer, layerPath\)/);
  });
});
