import { context, propagation, trace } from '@opentelemetry/api';
import type { MeterProvider, TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import type { Sampler, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { DeferredDecisionProcessor } from '../sampling/DeferredDecisionProcessor';
import { DeferringSampler } from '../sampling/DeferringSampler';
import { CleanOnceSampler } from './attributes-cleaned-once';
import { startDroppedSpansWithoutSdk } from './dropped-spans-without-sdk';
import { startPendingSpans } from './pending-spans';
import { startSpansWithRandomFlag } from './random-trace-flag';
import { startUnsampledChildrenWithoutSdk } from './tracer-start-span';
import { RootTraceIdGenerator } from './RootTraceIdGenerator';

/** What the bootstrap has decided; the SDK pieces are only put together here. */
export interface SdkOptions {
  /** The resource of every signal (resource.ts's createResource). */
  readonly resource: Resource;
  readonly propagator: TextMapPropagator | undefined;
  readonly sampler: Sampler;
  readonly spanLimits: SpanLimits;
  readonly spanProcessor: SpanProcessor;
  readonly instrumentations: Instrumentation[];
  /** The global MeterProvider when metrics are on, handed to the instrumentations with the tracer provider. */
  readonly meterProvider?: MeterProvider;
  /** The sampler gives every child of an unsampled local span NOT_RECORD: start those without the SDK. */
  readonly unsampledChildrenWithoutSdk: boolean;
  /** With keeping on (the sampler is a DeferringSampler), what decides the unsampled traces' pending spans. */
  readonly keeper?: DeferredDecisionProcessor;
}

/** The running SDK: a tracer provider installed as the global one. */
export interface InstalledSdk {
  shutdown(): Promise<void>;
}

/**
 * Installs the context manager, propagator, tracer provider and instrumentations as globals: what
 * `@opentelemetry/sdk-node`'s start does for traces, without it. Requiring sdk-node costs far more startup than the
 * four packages used below, because it also loads the gRPC exporters we never use and the metrics and logs packages
 * whether or not they are on (bench/findings.md, "Startup without sdk-node"); ours load in metrics/ and logs/, only
 * when their signal is on.
 */
export function installSdk(options: SdkOptions): InstalledSdk {
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { TracerProvider } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');

  // Instrumentations first, as sdk-node does: they patch modules now and reach the tracer provider through the
  // global proxy. Metrics have no proxy: the meter provider is already the global one, and is handed over too.
  registerInstrumentations({ instrumentations: options.instrumentations, meterProvider: options.meterProvider });

  const ids = new RootTraceIdGenerator();
  const sampler = new CleanOnceSampler(options.sampler);
  const provider = new TracerProvider({
    resource: options.resource,
    idGenerator: ids,
    sampler,
    spanLimits: options.spanLimits,
    spanProcessors: [options.spanProcessor],
  });
  // Next to the SDK's startSpan: the sampler asked first, dropped spans made without the SDK, and start attributes
  // cleaned once, for sampled spans only. Around it, W3C Trace Context
  // Level 2's random flag, and roots with a trace id from the context; then the shortcut for
  // unsampled children, which keeps the flag itself, as the outer (cheaper) path; or, with keeping on, pending spans
  // for what the sampler does not sample, outermost for the same reason.
  startDroppedSpansWithoutSdk(provider, sampler, ids);
  startSpansWithRandomFlag(provider, ids);
  if (options.unsampledChildrenWithoutSdk) startUnsampledChildrenWithoutSdk(provider);
  if (options.keeper && options.sampler instanceof DeferringSampler) {
    startPendingSpans(provider, { sampler: options.sampler, ids, keeper: options.keeper });
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (options.propagator) propagation.setGlobalPropagator(options.propagator);
  trace.setGlobalTracerProvider(provider);
  return { shutdown: () => provider.shutdown() };
}
