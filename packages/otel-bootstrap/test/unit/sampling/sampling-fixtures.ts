import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { readConfig } from '../../../src/config/read-config';
import { seededRandom } from '@org/otel-testing';
import { createSampling } from '../../../src/sampling/create-sampling';
import type { Sampling } from '../../../src/sampling/create-sampling';

/** Random 32-hex trace ids from a seeded generator. */
export function traceIds(seed: number): () => string {
  const random = seededRandom(seed);
  return () => {
    let id = '';
    for (let i = 0; i < 4; i++)
      id += Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    return id;
  };
}

/** Sampling built exactly as the bootstrap builds it, from an environment. */
export function samplingFrom(env: Record<string, string>): Sampling {
  const { config, warnings } = readConfig(env);
  expect(warnings).toEqual([]);
  return createSampling(config.sampling, 'checkout');
}

/** The attributes an HTTP server span has at its start. */
export function httpStart(method: string, path: string): Attributes {
  return { 'http.request.method': method, 'url.path': path };
}

export function isSampled(sampler: Sampler, traceId: string, attributes: Attributes, context: Context = ROOT_CONTEXT) {
  return (
    sampler.shouldSample(context, traceId, method(attributes), SpanKind.SERVER, attributes, []).decision ===
    SamplingDecision.RECORD_AND_SAMPLED
  );
}

function method(attributes: Attributes): string {
  return String(attributes['http.request.method'] ?? 'span');
}

/** A context whose active span is a parent with the given flags and tracestate. */
export function parentContext(options: { sampled: boolean; remote: boolean; traceState?: string; traceId?: string }) {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: options.traceId ?? '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: options.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: options.remote,
    traceState: options.traceState === undefined ? undefined : new TraceState(options.traceState),
  });
}
