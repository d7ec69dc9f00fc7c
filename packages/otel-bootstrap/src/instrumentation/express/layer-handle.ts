/** The function an express (router 2) layer runs for a request: `(req, res, next)`; error handlers take four. */
export type LayerHandle = (this: unknown, ...args: unknown[]) => unknown;

/** What our wrappers read of the request express passes to a layer. */
export interface LayerRequest {
  next?: unknown;
  [key: string]: unknown;
}

/**
 * Makes the properties of the layer's own handle readable and writable through a wrapper of it. A mounted router is
 * a function with its `stack`: express's `listRoutes` and upstream's route names read `layer.handle.stack`, and
 * upstream's own wrapper forwards only the enumerable keys of what it wraps, so ours stay enumerable. The wrapper
 * also takes the handle's `name` and `length`, which code that lists an app's layers reads.
 */
export function forwardProperties(from: LayerHandle, to: LayerHandle): LayerHandle {
  Object.defineProperty(to, 'name', { value: from.name, configurable: true });
  Object.defineProperty(to, 'length', { value: from.length, configurable: true });
  const source = from as unknown as Record<string, unknown>;
  for (const key in source) {
    Object.defineProperty(to, key, {
      enumerable: true,
      configurable: true,
      get: () => source[key],
      set: (value: unknown) => {
        source[key] = value;
      },
    });
  }
  return to;
}

/** The request a layer handle was called with, if it looks like one. */
export function requestOf(args: readonly unknown[]): LayerRequest | undefined {
  const req = args[0];
  return typeof req === 'object' && req !== null ? (req as LayerRequest) : undefined;
}
