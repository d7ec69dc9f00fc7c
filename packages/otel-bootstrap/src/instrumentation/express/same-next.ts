import { forwardProperties, requestOf } from './layer-handle';
import type { LayerHandle } from './layer-handle';

/**
 * Wraps the layer's own handle, under upstream's wrapper, so that the `next` the layer receives is `req.next`, as it
 * is without the instrumentation.
 *
 * Why: the router sets `req.next` to the very `next` it passes each layer, and express reads `req.next` instead of
 * taking a callback: `res.format` hands it to the format handlers and sends a 406 through it, `res.render` and
 * `res.sendFile` send their errors through it. Upstream passes the layer its own function instead (to end the
 * layer's span), so `next !== req.next` in the app and an error sent through `req.next` skips upstream's function:
 * 4 of express 5.3's own res.format tests failed. No upstream issue was found for this (searched Dec 2026).
 *
 * While the layer runs, `req.next` is the function the layer got, which calls upstream's; once called, `req.next`
 * is again what the router set, before the router goes on, so the layers after it see what they see untraced.
 */
export function withSameNext(original: LayerHandle): LayerHandle {
  const handle = function (this: unknown, ...args: unknown[]): unknown {
    const req = requestOf(args);
    const next = args[2];
    const routerNext = req?.next;
    // Upstream passed the router's own next (no span, an ignored layer), or there is no req.next to keep equal.
    if (req === undefined || typeof next !== 'function' || typeof routerNext !== 'function' || next === routerNext) {
      return original.apply(this, args);
    }
    const same = function (this: unknown, ...nextArgs: unknown[]): unknown {
      if (req.next === same) req.next = routerNext;
      return (next as LayerHandle).apply(this, nextArgs);
    };
    req.next = same;
    args[2] = same;
    return original.apply(this, args);
  };
  return forwardProperties(original, handle);
}
