/**
 * The small sections of the configuration: what the SDK install, the resource, redaction and the instrumentations
 * each read. Export and sampling, which combine several variables (and a file), have files of their own.
 */

import type { InstrumentationName } from './config-table';
import type { ConfigValues } from './read-env';

/**
 * Whether to start at all and what start.ts hands the SDK directly (log level, shutdown, span limits, propagators),
 * plus the Jaeger URL only `doctor` reads: settings no stage of their own owns.
 */
export interface SdkConfig {
  readonly disabled: boolean;
  readonly logLevel: ConfigValues['OTEL_LOG_LEVEL'];
  readonly shutdownTimeoutMs: number;
  /** The OTEL_PROPAGATORS names in order; empty for `none`. */
  readonly propagators: readonly ConfigValues['OTEL_PROPAGATORS'][number][];
  /** As the SDK's TracerProvider names them. */
  readonly spanLimits: {
    readonly attributeValueLengthLimit: number;
    readonly attributeCountLimit: number;
    readonly eventCountLimit: number;
    readonly linkCountLimit: number;
    readonly attributePerEventCountLimit: number;
    readonly attributePerLinkCountLimit: number;
  };
  /** Where `doctor` looks up its test span. */
  readonly jaegerUrl: string;
}

/** What sdk/resource.ts builds the resource from. */
export interface ResourceConfig {
  readonly serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `deployment.environment.name`: OTEL_BOOTSTRAP_ENVIRONMENT, else NODE_ENV. */
  readonly environment: string | undefined;
  readonly detectors: ConfigValues['OTEL_NODE_RESOURCE_DETECTORS'];
}

/** What RedactingSpanProcessor and RedactionRules read. */
export interface RedactionConfig {
  readonly enabled: boolean;
  readonly extraKeyGlobs: readonly string[];
  readonly extraQueryKeys: readonly string[];
}

/** Which instrumentations to create, when, and the choices their factories make. */
export interface InstrumentationConfig {
  /** OTEL_NODE_ENABLED_INSTRUMENTATIONS without OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  readonly enabled: readonly InstrumentationName[];
  /** Create the instrumentations of libraries on their first import rather than at startup. */
  readonly lazy: boolean;
  readonly traceResponse: boolean;
  /** Whose instrumentation makes SERVER spans: ours (see http-server/) or upstream's. */
  readonly httpServer: ConfigValues['OTEL_BOOTSTRAP_HTTP_SERVER'];
  /** Whose instrumentation makes pg spans: ours (see pg/) or upstream's. */
  readonly pg: ConfigValues['OTEL_BOOTSTRAP_PG'];
  /** Whose instrumentation makes amqplib spans: ours (see amqplib/) or upstream's. */
  readonly amqplib: ConfigValues['OTEL_BOOTSTRAP_AMQPLIB'];
  /** pino and winston records are also sent as OTLP log records: true unless OTEL_LOGS_EXPORTER is `none`. */
  readonly logSending: boolean;
  /**
   * Our instrumentations record semconv durations (HTTP server, pg, Redis, RabbitMQ): true unless
   * OTEL_METRICS_EXPORTER is `none`. Off, they compute no metric attributes and subscribe to no Redis channel.
   */
  readonly recordMetrics: boolean;
}

export function sdkSection(values: ConfigValues): SdkConfig {
  const propagators = values.OTEL_PROPAGATORS;
  return {
    disabled: values.OTEL_SDK_DISABLED,
    logLevel: values.OTEL_LOG_LEVEL,
    shutdownTimeoutMs: values.OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT,
    propagators: propagators.includes('none') ? [] : propagators,
    spanLimits: {
      attributeValueLengthLimit:
        values.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? values.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
      attributeCountLimit: values.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? values.OTEL_ATTRIBUTE_COUNT_LIMIT,
      eventCountLimit: values.OTEL_SPAN_EVENT_COUNT_LIMIT,
      linkCountLimit: values.OTEL_SPAN_LINK_COUNT_LIMIT,
      // SDK 3 reads no environment itself: without these, events and links keep up to 128 attributes whatever is set.
      attributePerEventCountLimit: values.OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
      attributePerLinkCountLimit: values.OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
    },
    jaegerUrl: values.OTEL_BOOTSTRAP_JAEGER_URL,
  };
}

export function resourceSection(values: ConfigValues): ResourceConfig {
  return {
    serviceName: values.OTEL_SERVICE_NAME,
    attributes: values.OTEL_RESOURCE_ATTRIBUTES ?? {},
    environment: values.OTEL_BOOTSTRAP_ENVIRONMENT ?? values.NODE_ENV,
    detectors: values.OTEL_NODE_RESOURCE_DETECTORS,
  };
}

export function redactionSection(values: ConfigValues): RedactionConfig {
  return {
    enabled: values.OTEL_BOOTSTRAP_REDACT,
    extraKeyGlobs: values.OTEL_BOOTSTRAP_REDACT_KEYS,
    extraQueryKeys: values.OTEL_BOOTSTRAP_REDACT_QUERY_KEYS,
  };
}

export function instrumentationSection(values: ConfigValues): InstrumentationConfig {
  const disabled = new Set(values.OTEL_NODE_DISABLED_INSTRUMENTATIONS);
  return {
    enabled: values.OTEL_NODE_ENABLED_INSTRUMENTATIONS.filter((name) => !disabled.has(name)),
    lazy: values.OTEL_BOOTSTRAP_LAZY_INSTRUMENTATIONS,
    traceResponse: values.OTEL_BOOTSTRAP_TRACERESPONSE,
    httpServer: values.OTEL_BOOTSTRAP_HTTP_SERVER,
    pg: values.OTEL_BOOTSTRAP_PG,
    amqplib: values.OTEL_BOOTSTRAP_AMQPLIB,
    logSending: !values.OTEL_LOGS_EXPORTER.includes('none'),
    recordMetrics: !values.OTEL_METRICS_EXPORTER.includes('none'),
  };
}
