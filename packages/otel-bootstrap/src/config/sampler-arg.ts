/**
 * OTEL_TRACES_SAMPLER_ARG, whose format depends on the sampler: a ratio for the `*traceidratio` samplers, the
 * spec's `endpoint=...,pollingIntervalMs=...,initialSamplingRate=...` for the `*jaeger_remote` ones.
 */

import { printable } from './config-warning';
import type { ConfigWarning } from './config-warning';
import { ParseError, parseKeyValues, parseRatio, parseUrl } from './parse-values';

/** Where and how often the Jaeger remote sampler asks for its strategy. */
export interface JaegerRemoteSettings {
  readonly endpoint: string;
  readonly pollingIntervalMs: number;
  readonly initialSamplingRate: number;
}

/** OTEL_TRACES_SAMPLER_ARG as a ratio; 1 when unset, as the spec says for the ratio samplers. */
export function samplerRatio(arg: string | undefined, warnings: ConfigWarning[]): number {
  if (arg === undefined) return 1;
  const ratio = parseRatio(arg);
  if (ratio !== undefined) return ratio;
  warnings.push({
    key: 'OTEL_TRACES_SAMPLER_ARG',
    message: `OTEL_TRACES_SAMPLER_ARG="${printable(arg)}" is invalid: expected a number from 0 to 1; using 1.`,
  });
  return 1;
}

const JAEGER_REMOTE_DEFAULTS: JaegerRemoteSettings = {
  endpoint: 'http://localhost:5778/sampling',
  pollingIntervalMs: 60_000,
  initialSamplingRate: 0.001,
};

/** The spec's `endpoint=...,pollingIntervalMs=...,initialSamplingRate=...`; each bad part warns and keeps its default. */
export function jaegerRemoteSettings(arg: string | undefined, warnings: ConfigWarning[]): JaegerRemoteSettings {
  if (arg === undefined) return JAEGER_REMOTE_DEFAULTS;
  const pairs = parseKeyValues(arg);
  const bad = (what: string, fallback: unknown) =>
    warnings.push({
      key: 'OTEL_TRACES_SAMPLER_ARG',
      message: `OTEL_TRACES_SAMPLER_ARG="${printable(arg)}" is invalid: expected ${what}; using ${String(fallback)}.`,
    });
  if (pairs instanceof ParseError) {
    bad('endpoint=URL,pollingIntervalMs=N,initialSamplingRate=R', 'the defaults');
    return JAEGER_REMOTE_DEFAULTS;
  }
  const settings = { ...JAEGER_REMOTE_DEFAULTS };
  if (pairs.endpoint !== undefined) {
    if (typeof parseUrl(pairs.endpoint) === 'string') settings.endpoint = pairs.endpoint;
    else bad('endpoint to be an http:// URL', settings.endpoint);
  }
  if (pairs.pollingIntervalMs !== undefined) {
    const ms = Number(pairs.pollingIntervalMs);
    if (/^\d+$/.test(pairs.pollingIntervalMs) && ms >= 100) settings.pollingIntervalMs = ms;
    else bad('pollingIntervalMs to be a whole number of at least 100', settings.pollingIntervalMs);
  }
  if (pairs.initialSamplingRate !== undefined) {
    const rate = parseRatio(pairs.initialSamplingRate);
    if (rate !== undefined) settings.initialSamplingRate = rate;
    else bad('initialSamplingRate to be a number from 0 to 1', settings.initialSamplingRate);
  }
  return settings;
}
