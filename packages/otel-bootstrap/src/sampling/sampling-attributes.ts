/**
 * Attributes that say why a trace was kept, on the local root span. People will ask "why is this trace here?".
 * - `otel_bootstrap.sampling.reason`: `rule` (a sampling rule matched), `ratio` (the default ratio),
 *   `jaeger_remote` (a strategy from Jaeger), `error` or `latency` (kept after the fact).
 * - `otel_bootstrap.sampling.rule`: the rule that matched, as written.
 * - `otel_bootstrap.sampling.ratio`: the ratio that applied at the start of the trace.
 */
export const SAMPLING_REASON = 'otel_bootstrap.sampling.reason';
export const SAMPLING_RULE = 'otel_bootstrap.sampling.rule';
export const SAMPLING_RATIO = 'otel_bootstrap.sampling.ratio';

export type KeepReason = 'rule' | 'ratio' | 'jaeger_remote' | 'error' | 'latency';
