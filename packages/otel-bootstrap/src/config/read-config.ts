/**
 * The one module that reads the environment.
 *
 * Every variable the bootstrap honours is a row in {@link CONFIG_ROWS} (config-table.ts): its key, type, default, allowed values and
 * description. docs/configuration.md has a section per row, and a unit test keeps the two in step. A bad value never
 * throws: it produces one warning naming the variable, the value, what was expected and the fallback, and the
 * fallback is used.
 */

import { CONFIG_ROWS } from './config-table';
import type { ConfigRow, InstrumentationName } from './config-table';

export { CONFIG_ROWS };
export type { ConfigRow, ConfigType, InstrumentationName } from './config-table';

/** The resolved configuration the rest of the bootstrap works from. */
export interface BootstrapConfig {
  readonly sdkDisabled: boolean;
  readonly compileCache: boolean;
  readonly serviceName: string | undefined;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly environment: string | undefined;
  readonly resourceDetectors: readonly string[];
  readonly tracesUrl: string;
  /** Where spans go; see OTEL_TRACES_EXPORTER. */
  readonly tracesExporter: 'otlp' | 'terminal' | 'none';
  /** Print traces in the terminal while no collector answers: nobody chose an exporter or an endpoint. */
  readonly terminalFallback: boolean;
  readonly exportHeaders: Readonly<Record<string, string>>;
  readonly exportProtocol: 'http/protobuf' | 'http/json';
  readonly protobufEncoder: 'lean' | 'upstream';
  readonly exportTimeoutMs: number;
  readonly bsp: {
    readonly scheduledDelayMillis: number;
    readonly exportTimeoutMillis: number;
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
  };
  readonly propagators: readonly string[];
  readonly traceResponse: boolean;
  readonly httpServer: 'lean' | 'upstream';
  readonly pg: 'lean' | 'upstream';
  /** Create the instrumentations of libraries on their first import rather than at startup. */
  readonly lazyInstrumentations: boolean;
  readonly spanLimits: {
    readonly attributeValueLengthLimit: number;
    readonly attributeCountLimit: number;
    readonly eventCountLimit: number;
    readonly linkCountLimit: number;
    readonly attributePerEventCountLimit: number;
    readonly attributePerLinkCountLimit: number;
  };
  readonly redact: {
    readonly enabled: boolean;
    readonly extraKeyGlobs: readonly string[];
    readonly extraQueryKeys: readonly string[];
  };
  readonly sampler: string;
  /** The ratio of the `*traceidratio` samplers (1 when unset). */
  readonly samplerRatio: number;
  /** The settings of the `*jaeger_remote` samplers. */
  readonly jaegerRemote: JaegerRemoteSettings;
  readonly samplingRules: string | undefined;
  readonly samplingRulesFile: string | undefined;
  readonly sampleErrors: boolean;
  readonly sampleSlowerThanMs: number | undefined;
  readonly tailBuffer: { readonly maxSpans: number; readonly ttlMs: number };
  readonly instrumentations: readonly InstrumentationName[];
  readonly logLevel: string;
  readonly jaegerUrl: string;
  readonly shutdownTimeoutMs: number;
}

/** Where and how often the Jaeger remote sampler asks for its strategy. */
export interface JaegerRemoteSettings {
  readonly endpoint: string;
  readonly pollingIntervalMs: number;
  readonly initialSamplingRate: number;
}

/** A problem found while reading the environment. */
export interface ConfigWarning {
  readonly key: string;
  readonly message: string;
}

/** The outcome of {@link readConfig}: the configuration, plus one warning per bad variable. */
export interface ConfigResult {
  readonly config: BootstrapConfig;
  readonly warnings: readonly ConfigWarning[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates every row. Never throws. */
export function readConfig(env: Env = process.env): ConfigResult {
  const warnings: ConfigWarning[] = [];
  const values = new Map<string, unknown>();
  for (const row of CONFIG_ROWS) {
    values.set(row.key, readRow(row, env[row.key], warnings));
  }
  const isSet = (key: string) => (env[key]?.trim() ?? '') !== '';
  return { config: assemble(values, warnings, isSet), warnings };
}

/** True when OTEL_SDK_DISABLED asks for nothing to load. Reads one variable only, so the entry stays cheap. */
export function isSdkDisabled(env: Env = process.env): boolean {
  return readOne('OTEL_SDK_DISABLED', env) === true;
}

/** True unless OTEL_BOOTSTRAP_COMPILE_CACHE=false. Read before anything heavy loads. */
export function wantsCompileCache(env: Env = process.env): boolean {
  return readOne('OTEL_BOOTSTRAP_COMPILE_CACHE', env) === true;
}

function readOne(key: string, env: Env): unknown {
  const row = CONFIG_ROWS.find((r) => r.key === key) as ConfigRow;
  return readRow(row, env[row.key], []);
}

function readRow(row: ConfigRow, raw: string | undefined, warnings: ConfigWarning[]): unknown {
  const value = raw?.trim();
  if (value === undefined || value === '') {
    return row.default === undefined ? undefined : parseValue(row, row.default);
  }
  const parsed = parseValue(row, value);
  if (parsed instanceof ParseError) {
    const fallback = row.default === undefined ? 'leaving it unset' : `using the default "${row.default}"`;
    warnings.push({
      key: row.key,
      message: `${row.key}="${row.secret ? '<masked>' : printable(value)}" is invalid: expected ${parsed.expected}; ${fallback}.`,
    });
    return row.default === undefined ? undefined : parseValue(row, row.default);
  }
  if (parsed instanceof PartialList) {
    warnings.push({
      key: row.key,
      message:
        `${row.key}="${printable(value)}" has unknown entries ${parsed.unknown.map((u) => `"${printable(u)}"`).join(', ')}: ` +
        `expected a comma-separated list of ${describeAllowed(row)}; ignoring them.`,
    });
    return parsed.known;
  }
  return parsed;
}

class ParseError {
  constructor(readonly expected: string) {}
}

class PartialList {
  constructor(
    readonly known: string[],
    readonly unknown: string[],
  ) {}
}

function parseValue(row: ConfigRow, value: string): unknown {
  switch (row.type) {
    case 'string':
      return value;
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return new ParseError('"true" or "false"');
    }
    case 'enum': {
      const lower = value.toLowerCase();
      return row.allowed?.includes(lower) ? lower : new ParseError(`one of ${describeAllowed(row)}`);
    }
    case 'list':
      return parseList(row, value);
    case 'integer': {
      const min = row.min ?? 0;
      if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
        return new ParseError(`a whole number of at least ${min}`);
      }
      return Number(value);
    }
    case 'url':
      return parseUrl(value);
    case 'keyvalue':
      return parseKeyValues(value);
    case 'duration':
      return parseDuration(value) ?? new ParseError('a duration such as "500ms", "2s" or "1m"');
  }
}

function parseList(row: ConfigRow, value: string): string[] | PartialList | ParseError {
  const entries = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (!row.allowed) return entries;
  const known = entries.filter((e) => row.allowed?.includes(e));
  const unknown = entries.filter((e) => !row.allowed?.includes(e));
  if (unknown.length === 0) return known;
  if (known.length === 0) return new ParseError(`a comma-separated list of ${describeAllowed(row)}`);
  return new PartialList(known, unknown);
}

function parseUrl(value: string): string | ParseError {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return new ParseError('an http:// or https:// URL');
    return value;
  } catch {
    return new ParseError('an http:// or https:// URL');
  }
}

/**
 * Parses the W3C-baggage-like `key=value,key=value` format shared by OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS. A malformed pair invalidates the whole value, as the spec asks.
 */
export function parseKeyValues(value: string): Record<string, string> | ParseError {
  const result: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return new ParseError('comma-separated key=value pairs');
    try {
      const key = decodeURIComponent(pair.slice(0, eq).trim());
      const val = decodeURIComponent(pair.slice(eq + 1).trim());
      if (key === '' || /[\u0000-\u001f\u007f]/.test(key + val))
        return new ParseError('comma-separated key=value pairs');
      result[key] = val;
    } catch {
      return new ParseError('comma-separated key=value pairs with valid percent-encoding');
    }
  }
  return result;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "2s" → 2000, "500ms" → 500, "1.5m" → 90000, "250" → 250 (milliseconds). */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS[(match[2] ?? 'ms').toLowerCase()]);
}

function assemble(
  values: Map<string, unknown>,
  warnings: ConfigWarning[],
  isSet: (key: string) => boolean,
): BootstrapConfig {
  const get = <T>(key: string) => values.get(key) as T;
  const enabled = get<InstrumentationName[]>('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabled = new Set(get<InstrumentationName[]>('OTEL_NODE_DISABLED_INSTRUMENTATIONS'));
  const maxQueueSize = get<number>('OTEL_BSP_MAX_QUEUE_SIZE');
  let maxExportBatchSize = get<number>('OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  if (maxExportBatchSize > maxQueueSize) {
    warnings.push({
      key: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      message:
        `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is invalid: expected at most ` +
        `OTEL_BSP_MAX_QUEUE_SIZE (${maxQueueSize}); using ${maxQueueSize}.`,
    });
    maxExportBatchSize = maxQueueSize;
  }
  const propagators = get<string[]>('OTEL_PROPAGATORS');
  const sampler = get<string>('OTEL_TRACES_SAMPLER');
  const samplerArg = get<string | undefined>('OTEL_TRACES_SAMPLER_ARG');
  const isJaegerRemote = sampler.endsWith('jaeger_remote');
  return {
    sdkDisabled: get<boolean>('OTEL_SDK_DISABLED'),
    compileCache: get<boolean>('OTEL_BOOTSTRAP_COMPILE_CACHE'),
    serviceName: get<string | undefined>('OTEL_SERVICE_NAME'),
    resourceAttributes: get<Record<string, string> | undefined>('OTEL_RESOURCE_ATTRIBUTES') ?? {},
    environment: get<string | undefined>('OTEL_BOOTSTRAP_ENVIRONMENT') ?? get<string | undefined>('NODE_ENV'),
    resourceDetectors: get<string[]>('OTEL_NODE_RESOURCE_DETECTORS'),
    tracesUrl: tracesUrl(get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), get('OTEL_EXPORTER_OTLP_ENDPOINT')),
    tracesExporter: tracesExporter(get('OTEL_TRACES_EXPORTER')),
    // A production service whose collector is down must not start writing trees into its logs.
    terminalFallback:
      get('OTEL_TRACES_EXPORTER') === undefined &&
      get('NODE_ENV') !== 'production' &&
      !isSet('OTEL_EXPORTER_OTLP_ENDPOINT') &&
      !isSet('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
    exportHeaders: {
      ...get<Record<string, string> | undefined>('OTEL_EXPORTER_OTLP_HEADERS'),
      ...get<Record<string, string> | undefined>('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    },
    exportProtocol: get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL'),
    protobufEncoder: get<'lean' | 'upstream'>('OTEL_BOOTSTRAP_PROTOBUF_ENCODER'),
    exportTimeoutMs: get<number>('OTEL_EXPORTER_OTLP_TIMEOUT'),
    bsp: {
      scheduledDelayMillis: get<number>('OTEL_BSP_SCHEDULE_DELAY'),
      exportTimeoutMillis: get<number>('OTEL_BSP_EXPORT_TIMEOUT'),
      maxQueueSize,
      maxExportBatchSize,
    },
    propagators: propagators.includes('none') ? [] : propagators,
    traceResponse: get<boolean>('OTEL_BOOTSTRAP_TRACERESPONSE'),
    httpServer: get<'lean' | 'upstream'>('OTEL_BOOTSTRAP_HTTP_SERVER'),
    pg: get<'lean' | 'upstream'>('OTEL_BOOTSTRAP_PG'),
    lazyInstrumentations: get<boolean>('OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS'),
    spanLimits: {
      attributeValueLengthLimit:
        get<number | undefined>('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
        get<number>('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
      attributeCountLimit:
        get<number | undefined>('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? get<number>('OTEL_ATTRIBUTE_COUNT_LIMIT'),
      eventCountLimit: get<number>('OTEL_SPAN_EVENT_COUNT_LIMIT'),
      linkCountLimit: get<number>('OTEL_SPAN_LINK_COUNT_LIMIT'),
      // SDK 3 reads no environment itself: without these, events and links keep up to 128 attributes whatever is set.
      attributePerEventCountLimit: get<number>('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'),
      attributePerLinkCountLimit: get<number>('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'),
    },
    redact: {
      enabled: get<boolean>('OTEL_BOOTSTRAP_REDACT'),
      extraKeyGlobs: get<string[]>('OTEL_BOOTSTRAP_REDACT_KEYS'),
      extraQueryKeys: get<string[]>('OTEL_BOOTSTRAP_REDACT_QUERY_KEYS'),
    },
    sampler,
    samplerRatio: isJaegerRemote ? 1 : samplerRatio(samplerArg, warnings),
    jaegerRemote: jaegerRemoteSettings(isJaegerRemote ? samplerArg : undefined, warnings),
    samplingRules: get<string | undefined>('OTEL_BOOTSTRAP_SAMPLING_RULES'),
    samplingRulesFile: get<string | undefined>('OTEL_BOOTSTRAP_SAMPLING_RULES_FILE'),
    sampleErrors: get<boolean>('OTEL_BOOTSTRAP_SAMPLE_ERRORS'),
    sampleSlowerThanMs: get<number | undefined>('OTEL_BOOTSTRAP_SAMPLE_SLOWER_THAN'),
    tailBuffer: {
      maxSpans: get<number>('OTEL_BOOTSTRAP_TAIL_BUFFER_MAX_SPANS'),
      ttlMs: get<number>('OTEL_BOOTSTRAP_TAIL_BUFFER_TTL'),
    },
    instrumentations: enabled.filter((name) => !disabled.has(name)),
    logLevel: get<string>('OTEL_LOG_LEVEL'),
    jaegerUrl: get<string>('OTEL_BOOTSTRAP_JAEGER_URL'),
    shutdownTimeoutMs: get<number>('OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT'),
  };
}

/** OTEL_TRACES_SAMPLER_ARG as a ratio; 1 when unset, as the spec says for the ratio samplers. */
function samplerRatio(arg: string | undefined, warnings: ConfigWarning[]): number {
  if (arg === undefined) return 1;
  const ratio = parseRatio(arg);
  if (ratio !== undefined) return ratio;
  warnings.push({
    key: 'OTEL_TRACES_SAMPLER_ARG',
    message: `OTEL_TRACES_SAMPLER_ARG="${printable(arg)}" is invalid: expected a number from 0 to 1; using 1.`,
  });
  return 1;
}

/** A number from 0 to 1, or undefined. */
export function parseRatio(value: string): number | undefined {
  const n = Number(value);
  return /^\s*[\d.eE+-]+\s*$/.test(value) && Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

const JAEGER_REMOTE_DEFAULTS: JaegerRemoteSettings = {
  endpoint: 'http://localhost:5778/sampling',
  pollingIntervalMs: 60_000,
  initialSamplingRate: 0.001,
};

/** The spec's `endpoint=...,pollingIntervalMs=...,initialSamplingRate=...`; each bad part warns and keeps its default. */
function jaegerRemoteSettings(arg: string | undefined, warnings: ConfigWarning[]): JaegerRemoteSettings {
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

/** `console` is the name the OTel docs use for printing spans; ours prints trees. */
function tracesExporter(value: string | undefined): BootstrapConfig['tracesExporter'] {
  if (value === 'console') return 'terminal';
  return (value as BootstrapConfig['tracesExporter'] | undefined) ?? 'otlp';
}

function tracesUrl(signalSpecific: string | undefined, base: string): string {
  if (signalSpecific) return signalSpecific;
  return base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
}

function describeAllowed(row: ConfigRow): string {
  return (row.allowed ?? []).map((a) => `"${a}"`).join(', ');
}

/** Keeps a hostile value from writing control characters or megabytes into the app's log. */
function printable(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
