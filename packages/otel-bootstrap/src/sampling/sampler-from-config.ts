import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { BootstrapConfig } from '../config';

/** The spec samplers named by OTEL_TRACES_SAMPLER, with OTEL_TRACES_SAMPLER_ARG as the ratio. */
export function samplerFromConfig(config: Pick<BootstrapConfig, 'sampler' | 'samplerArg'>): Sampler {
  const root = rootSampler(config.sampler.replace(/^parentbased_/, ''), config.samplerArg);
  return config.sampler.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

function rootSampler(name: string, ratio: number): Sampler {
  switch (name) {
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    default:
      return new AlwaysOnSampler();
  }
}
