import { diag } from '@opentelemetry/api';
import { ExpressInstrumentation as UpstreamExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import type { ExpressInstrumentationConfig } from '@opentelemetry/instrumentation-express';
import { withBoundedLayerPaths } from './bounded-layer-paths';
import type { LayerHandle } from './layer-handle';
import { withSameNext } from './same-next';

// Upstream's ExpressInstrumentation (written against 0.72) with two changes to how it wraps each layer, so that
// express does under the bootstrap what it does without it: the `next` a layer receives is `req.next`
// (same-next.ts), and the layer paths it stores on a request do not pile up while no span is active
// (bounded-layer-paths.ts). Both wrap upstream's own wrapper of the layer, from inside and from outside, rather
// than copy it: its spans, names and attributes stay upstream's. test/e2e/express-parity.test.ts and
// scripts/express-parity.sh (express's own test suite) check the result.

/** Marks the layers whose handle we wrapped: a layer can be patched more than once (the same middleware reused). */
const WRAPPED = Symbol('otel-bootstrap.express.layer');

/** An express layer, as upstream's private `_applyPatch(layer, layerPath)` receives it. */
interface Layer {
  handle: LayerHandle;
  [WRAPPED]?: true;
}

type ApplyPatch = (this: unknown, layer: Layer, layerPath?: string) => void;

let reported = false;

/** Reports once that express is instrumented as upstream does it, without our changes. */
function reportOnce(reason: string, error?: unknown): void {
  if (reported) return;
  reported = true;
  diag.warn(`express instrumentation: ${reason}; layers are wrapped as upstream does it, so next !== req.next`, error);
}

/**
 * The express instrumentation: upstream's `@opentelemetry/instrumentation-express`, whose layer patch keeps
 * `next === req.next` for the app and bounds the layer paths it stores on a request while no span is active.
 *
 * It relies on upstream's private `_applyPatch(layer, layerPath)`, called for every layer express adds. When a
 * version of upstream has no such method, it warns once through `diag` and instruments as upstream does.
 */
export class ExpressInstrumentation extends UpstreamExpressInstrumentation {
  constructor(config: ExpressInstrumentationConfig = {}) {
    // Upstream's constructor only hooks the module; layers are patched when the app adds them, after this returns.
    super(config);
    const self = this as unknown as { _applyPatch?: unknown };
    const upstream = self._applyPatch;
    if (typeof upstream !== 'function' || upstream.length !== 2) {
      reportOnce('@opentelemetry/instrumentation-express has no _applyPatch(layer, layerPath)');
      return;
    }
    self._applyPatch = (layer: Layer, layerPath?: string) => patchLayer(this, upstream as ApplyPatch, layer, layerPath);
  }
}

/** Upstream's patch of one layer, with ours around the layer's own handle and around upstream's wrapper of it. */
function patchLayer(instrumentation: unknown, upstream: ApplyPatch, layer: Layer, layerPath?: string): void {
  const original = layer.handle;
  let inner: LayerHandle | undefined;
  try {
    // Error handlers (four parameters) upstream leaves alone; a layer seen before it skips.
    if (typeof original === 'function' && original.length < 4 && layer[WRAPPED] !== true) {
      inner = withSameNext(original);
      layer.handle = inner;
      layer[WRAPPED] = true;
    }
  } catch (error) {
    reportOnce('a layer could not be wrapped', error);
  }
  upstream.call(instrumentation, layer, layerPath);
  if (inner === undefined) return;
  try {
    // Upstream left the layer unwrapped: without its function in between, ours has nothing to keep equal.
    layer.handle = layer.handle === inner ? original : withBoundedLayerPaths(layer.handle, original);
  } catch (error) {
    reportOnce('a layer could not be wrapped', error);
  }
}
