import { context, diag } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ComposableAlwaysOn, ComposableAnnotating, ComposableProbability, ComposableRuleBased } from './composable';
import type { ComposableSampler, SamplingIntent, SamplingParameters, SamplingRule } from './composable';
import type { JaegerRemoteSettings } from '../config/read-config';
import { RateLimitingSampler } from './RateLimitingSampler';
import { SAMPLING_RATIO, SAMPLING_REASON, SAMPLING_RULE } from './sampling-attributes';

/** Jaeger's sampling strategy response (`GET <endpoint>?service=NAME`), as far as we read it. */
interface StrategyResponse {
  strategyType?: string | number;
  probabilisticSampling?: { samplingRate?: number };
  rateLimitingSampling?: { maxTracesPerSecond?: number };
  operationSampling?: {
    defaultSamplingProbability?: number;
    perOperationStrategies?: { operation?: string; probabilisticSampling?: { samplingRate?: number } }[];
  };
}

/**
 * Samples by the strategy Jaeger serves for this service, refreshed on a timer.
 *
 * Written here rather than taken from `@opentelemetry/sampler-jaeger-remote`, which does not fetch at startup (its
 * initial rate rules for the whole first interval), keeps the process alive with its timer, has no rate limiting,
 * and matches per-operation strategies on the span name, which for an HTTP server span at start is only "GET".
 * Ours fetches at once, unrefs its timer, supports `probabilistic`, `ratelimiting` and per-operation strategies, and
 * matches an operation such as `GET /api/payments` on the method and path a server span has at start.
 *
 * Until the first strategy arrives, and for as long as Jaeger has never answered, the initial rate applies. After a
 * strategy has arrived, a failed refresh keeps it.
 */
export class JaegerRemoteSampler implements ComposableSampler {
  private current: ComposableSampler;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly settings: JaegerRemoteSettings,
    private readonly serviceName: string,
  ) {
    this.current = annotated(new ComposableProbability(settings.initialSamplingRate), {
      [SAMPLING_REASON]: 'jaeger_remote',
      [SAMPLING_RULE]: 'initialSamplingRate',
      [SAMPLING_RATIO]: settings.initialSamplingRate,
    });
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), settings.pollingIntervalMs);
    this.timer.unref();
  }

  getSamplingIntent(parameters: SamplingParameters): SamplingIntent {
    return this.current.getSamplingIntent(parameters);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  toString(): string {
    return `JaegerRemoteSampler(${this.settings.endpoint})`;
  }

  private async refresh(): Promise<void> {
    const url = new URL(this.settings.endpoint);
    url.searchParams.set('service', this.serviceName);
    try {
      // Our own request to Jaeger must not produce spans of its own.
      const response = await context.with(suppressTracing(context.active()), () =>
        fetch(url, { signal: AbortSignal.timeout(5000) }),
      );
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.current = strategySampler((await response.json()) as StrategyResponse);
    } catch (error) {
      diag.warn(
        `jaeger_remote: cannot get the sampling strategy from ${url.origin}${url.pathname}: ` +
          `${(error as Error).message}; keeping the current strategy (initially ` +
          `initialSamplingRate=${this.settings.initialSamplingRate})`,
      );
    }
  }
}

function annotated(sampler: ComposableSampler, attributes: Attributes): ComposableSampler {
  return new ComposableAnnotating(sampler, attributes);
}

function probability(rate: number | undefined, label: string): ComposableSampler {
  const ratio = typeof rate === 'number' && rate >= 0 && rate <= 1 ? rate : 0;
  return annotated(new ComposableProbability(ratio), {
    [SAMPLING_REASON]: 'jaeger_remote',
    [SAMPLING_RULE]: label,
    [SAMPLING_RATIO]: ratio,
  });
}

/** Builds the sampler for one strategy response; throws on a response that is not a strategy. */
export function strategySampler(strategy: StrategyResponse): ComposableSampler {
  const operations = strategy.operationSampling;
  if (operations) {
    const rules = (operations.perOperationStrategies ?? []).flatMap((op) =>
      op.operation
        ? [operationRule(op.operation, probability(op.probabilisticSampling?.samplingRate, op.operation))]
        : [],
    );
    const fallback = probability(operations.defaultSamplingProbability, 'defaultSamplingProbability');
    return new ComposableRuleBased([...rules, [() => true, fallback]]);
  }
  const type = String(strategy.strategyType ?? 'PROBABILISTIC').toUpperCase();
  if (type === 'RATE_LIMITING' || type === '1') {
    const perSecond = strategy.rateLimitingSampling?.maxTracesPerSecond;
    if (typeof perSecond !== 'number' || perSecond < 0) throw new Error('ratelimiting strategy without a rate');
    const always = annotated(new ComposableAlwaysOn(), {
      [SAMPLING_REASON]: 'jaeger_remote',
      [SAMPLING_RULE]: `ratelimiting ${perSecond}/s`,
    });
    return new RateLimitingSampler(always, perSecond);
  }
  if (typeof strategy.probabilisticSampling?.samplingRate !== 'number') throw new Error('not a sampling strategy');
  return probability(strategy.probabilisticSampling.samplingRate, 'probabilistic');
}

/**
 * Jaeger keys per-operation strategies by operation name. For HTTP server spans the useful name is
 * "METHOD /path", which exists only when the response ends, so match the method and path the span has at start.
 * Other spans match on their name.
 */
function operationRule(operation: string, sampler: ComposableSampler): SamplingRule {
  const http = /^([A-Z]+) (\/\S*)$/.exec(operation);
  const predicate = ({ spanName, attributes }: SamplingParameters) => {
    if (spanName === operation) return true;
    if (!http) return false;
    return attributes['http.request.method'] === http[1] && attributes['url.path'] === http[2];
  };
  return [predicate, sampler];
}
