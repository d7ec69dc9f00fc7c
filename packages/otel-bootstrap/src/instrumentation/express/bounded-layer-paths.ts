import { context, trace } from '@opentelemetry/api';
import { forwardProperties, requestOf } from './layer-handle';
import type { LayerHandle } from './layer-handle';

/** Where upstream keeps the paths of the layers a request is in (its internal-types.ts, `_LAYERS_STORE_PROPERTY`). */
const LAYER_PATHS = '__ot_middlewares';

/**
 * Wraps upstream's wrapper of a layer handle so that, while no span is active, the layer's path leaves the request's
 * list again when the layer calls next.
 *
 * Why: upstream stores the path of each layer mounted at a path (every `app.use` middleware, at '/' by default, and
 * `router.use('/api', auth)`) on the request and removes it when the layer calls next, but only when it started a
 * span for the layer. With no active span (the http instrumentation off, or a request handled outside one) the list
 * grows by one per layer, and every layer scans it to build the route, so a request costs the square of the number
 * of layers it crosses (docs/instrumentation.md, "express"). No upstream issue was found for this (searched Dec 2026).
 */
export function withBoundedLayerPaths(upstream: LayerHandle, original: LayerHandle): LayerHandle {
  const handle = function (this: unknown, ...args: unknown[]): unknown {
    const req = requestOf(args);
    const next = args[2];
    if (req === undefined || typeof next !== 'function' || trace.getSpan(context.active()) !== undefined) {
      return upstream.apply(this, args);
    }
    const paths = req[LAYER_PATHS];
    const depth = Array.isArray(paths) ? paths.length : 0;
    args[2] = function (this: unknown, ...nextArgs: unknown[]): unknown {
      const stored = req[LAYER_PATHS];
      if (Array.isArray(stored) && stored.length > depth) stored.length = depth;
      return (next as LayerHandle).apply(this, nextArgs);
    };
    return upstream.apply(this, args);
  };
  return forwardProperties(original, handle);
}
