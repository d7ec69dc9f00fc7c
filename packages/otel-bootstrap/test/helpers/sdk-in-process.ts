/** The bootstrap's SDK installed inside the jest process, as start.ts installs it, for unit tests of whole spans. */
import { context, propagation, trace } from '@opentelemetry/api';
import type { Context, Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { readConfig } from '../../src/config/read-config';
import { compositeOf, createPropagators } from '../../src/propagation/propagators';
import { createSampling } from '../../src/sampling/create-sampling';
import { decidesUnsampledChildrenAlike } from '../../src/sampling/unsampled-children';
import { installSdk } from '../../src/sdk/install-sdk';

export interface SdkInProcess {
  readonly tracer: Tracer;
  /** The spans exported so far: the sampled ones, as with the batch processor. */
  finished(): ReadableSpan[];
  /** The headers the installed propagators write for `ctx`. */
  inject(ctx: Context): Record<string, string>;
  /** The context the installed propagators read from `headers`. */
  extract(headers: Record<string, string | string[]>): Context;
  uninstall(): Promise<void>;
}

/**
 * Installs the SDK from an environment (sampling, propagators, span limits), exporting into memory. Uninstall it
 * before installing another: the API keeps one global tracer provider, propagator and context manager.
 */
export function installInProcess(env: Record<string, string>): SdkInProcess {
  const { config, warnings } = readConfig(env);
  expect(warnings).toEqual([]);
  const sampling = createSampling(config.sampling, 'checkout');
  const exporter = new InMemorySpanExporter();
  const sdk = installSdk({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    propagator: compositeOf(createPropagators(config.sdk.propagators)),
    sampler: sampling.sampler,
    spanLimits: config.sdk.spanLimits,
    spanProcessor: new SimpleSpanProcessor({ exporter }),
    instrumentations: [],
    unsampledChildrenWithoutSdk: decidesUnsampledChildrenAlike(sampling.sampler),
  });
  return {
    tracer: trace.getTracer('w3c-level2-test'),
    finished: () => exporter.getFinishedSpans(),
    inject: (ctx) => {
      const carrier: Record<string, string> = {};
      propagation.inject(ctx, carrier);
      return carrier;
    },
    extract: (headers) => propagation.extract(context.active(), headers),
    uninstall: async () => {
      await sdk.shutdown();
      sampling.stop();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
