import { context } from '@opentelemetry/api';
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { unsampledChild } from '../sampling/unsampled-children';

/** A tracer's startSpan, with the context already resolved. */
export type StartSpan = (name: string, options: SpanOptions | undefined, parentContext: Context) => Span;

/** The SDK's own startSpan of each tracer, before any wrapper. */
const sdkStarts = new WeakMap<Tracer, StartSpan>();

/**
 * Puts `around` in front of the startSpan of every tracer the provider hands out, once a tracer. The SDK's
 * startActiveSpan calls this.startSpan, so it takes the same path. `around` also gets the tracer.
 */
export function wrapStartSpan(
  provider: TracerProvider,
  around: (
    start: StartSpan,
    name: string,
    options: SpanOptions | undefined,
    parentContext: Context,
    tracer: Tracer,
  ) => Span,
): void {
  const wrapped = new WeakSet<Tracer>();
  const getTracer = provider.getTracer.bind(provider);
  provider.getTracer = (name, version, options) => {
    const tracer = getTracer(name, version, options);
    if (!wrapped.has(tracer)) {
      wrapped.add(tracer);
      const start: StartSpan = tracer.startSpan.bind(tracer);
      if (!sdkStarts.has(tracer)) sdkStarts.set(tracer, start);
      tracer.startSpan = (spanName: string, spanOptions?: SpanOptions, parentContext: Context = context.active()) =>
        around(start, spanName, spanOptions, parentContext, tracer);
    }
    return tracer;
  };
}

/** The tracer's startSpan as the SDK made it, without the wrappers above (the tracer came from a wrapped provider). */
export function sdkStartSpanOf(tracer: Tracer): StartSpan {
  const start = sdkStarts.get(tracer);
  if (!start) throw new Error('sdkStartSpanOf: the tracer is not from a provider wrapped by wrapStartSpan');
  return start;
}

/**
 * Makes the provider's tracers start a child of an unsampled span from this process without the SDK, where the
 * sampler decides such children alike (see sampling/unsampled-children.ts).
 */
export function startUnsampledChildrenWithoutSdk(provider: TracerProvider): void {
  wrapStartSpan(
    provider,
    (start, name, options, parentContext) =>
      unsampledChild(options, parentContext) ?? start(name, options, parentContext),
  );
}
