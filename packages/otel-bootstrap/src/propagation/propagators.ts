import { CompositePropagator, W3CBaggagePropagator } from '@opentelemetry/core';
import type { TextMapPropagator } from '@opentelemetry/api';
import { JaegerPropagator } from './JaegerPropagator';
import { StrictTraceContextPropagator } from './StrictTraceContextPropagator';
import { XTraceIdPropagator } from './XTraceIdPropagator';

/** Builds the propagators named in OTEL_PROPAGATORS, in order. b3 loads only when asked for. */
export function createPropagators(names: readonly string[]): TextMapPropagator[] {
  return names.map((name) => {
    switch (name) {
      case 'tracecontext':
        return new StrictTraceContextPropagator();
      case 'baggage':
        return new W3CBaggagePropagator();
      case 'b3': {
        const { B3Propagator, B3InjectEncoding } =
          require('@opentelemetry/propagator-b3') as typeof import('@opentelemetry/propagator-b3');
        return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
      }
      case 'b3multi': {
        const { B3Propagator, B3InjectEncoding } =
          require('@opentelemetry/propagator-b3') as typeof import('@opentelemetry/propagator-b3');
        return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
      }
      case 'xtraceid':
        return new XTraceIdPropagator();
      case 'jaeger':
        return new JaegerPropagator();
      default:
        throw new Error(`unknown propagator "${name}"`);
    }
  });
}

/** One propagator for the SDK: the composite of the list, or the single entry. */
export function compositeOf(propagators: TextMapPropagator[]): TextMapPropagator {
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}
