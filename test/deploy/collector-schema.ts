/**
 * The Go types behind every key our collector and Jaeger configs use, read from the structs of the pinned versions.
 *
 * The collector decodes config strictly (confmap/internal/decoder.go at core v0.159.0: `ErrorUnused: true`,
 * `WeaklyTypedInput: false`), so an unknown key or an int where the struct has a string stops it at start
 * (issue 18: the gateway's `resolver.dns.port: 4317`). Only the keys our files use are listed: a new key fails the
 * test until someone reads its struct and adds a row here.
 *
 * Where each part was read:
 * - Jaeger: jaegertracing/jaeger at tag v2.20.0, cmd/jaeger/internal/... and internal/storage/...
 * - Collector core: open-telemetry/opentelemetry-collector at v0.159.0 (the `otelcol-contrib:0.159.0` image) and
 *   v0.155.0 (what Jaeger 2.20's go.mod pins); every struct used below is the same at both tags.
 * - Contrib: the whole repository (1.4 GB) is over what can be fetched here, so its structs were read file by file
 *   from stored copies of open-telemetry/opentelemetry-collector-contrib that carry the 0.153+ names
 *   (`load_balancing`, `span_metrics`); the keys below have had these types since they were added.
 */

/** A Go type reduced to what decides whether mapstructure accepts a YAML value for it. */
export type GoType =
  | { kind: 'string' | 'id' | 'bool' | 'duration' | 'int' | 'uint' | 'float'; go: string }
  | { kind: 'list' | 'map'; go: string; of: GoType }
  | { kind: 'struct'; go: string; fields: Fields };

/** A struct's keys (mapstructure tags) and their types; a squashed struct's fields are spread in. */
export type Fields = Readonly<Record<string, GoType>>;

/** The component kinds of a collector config, each keyed by component type (`otlp` in `otlp/name`). */
export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';

/** One collector build: the components it has and the structs their configs decode into. */
export interface Distribution {
  name: string;
  components: Readonly<Record<ComponentKind, Readonly<Record<string, GoType>>>>;
}

const string: GoType = { kind: 'string', go: 'string' };
/** A named string type such as `PolicyType`: decodes like a string. */
const named = (go: string): GoType => ({ kind: 'string', go });
/** component.ID: a string decoded by its UnmarshalText (so no comma splitting). */
const id: GoType = { kind: 'id', go: 'component.ID' };
const bool: GoType = { kind: 'bool', go: 'bool' };
/** time.Duration: the decoder's StringToTimeDurationHookFunc parses "5s"; a bare number would be nanoseconds. */
const duration: GoType = { kind: 'duration', go: 'time.Duration' };
const int = (go: 'int' | 'int64'): GoType => ({ kind: 'int', go });
const uint = (go: 'uint32' | 'uint64'): GoType => ({ kind: 'uint', go });
const float64: GoType = { kind: 'float', go: 'float64' };
const list = (of: GoType): GoType => ({ kind: 'list', go: `[]${of.go}`, of });
const map = (of: GoType): GoType => ({ kind: 'map', go: `map[string]${of.go}`, of });
const struct = (go: string, fields: Fields): GoType => ({ kind: 'struct', go, fields });

// --- Collector core (same at v0.155.0 and v0.159.0) ---

// config/confignet/confignet.go: AddrConfig, squashed into both server configs as NetAddr.
const netAddr: Fields = { endpoint: string };
// config/confighttp/server.go: ServerConfig (NetAddr `mapstructure:",squash"`).
const httpServer: Fields = { ...netAddr };
// config/configgrpc/configgrpc.go: ServerConfig (NetAddr `mapstructure:",squash"`).
const grpcServer: Fields = { ...netAddr };
// config/configtls: ClientConfig (generated_config.go at v0.159.0, configtls.go at v0.155.0): `insecure` bool.
const tlsClient = struct('configtls.ClientConfig', { insecure: bool });
// config/configgrpc/configgrpc.go: ClientConfig, `endpoint` string and `tls` configtls.ClientConfig.
const grpcClient: Fields = { endpoint: string, tls: tlsClient };

// receiver/otlpreceiver/config.go: Config.Protocols; grpc is Optional[configgrpc.ServerConfig], http is
// Optional[HTTPConfig], which squashes confighttp.ServerConfig.
const otlpReceiver = struct('otlpreceiver.Config', {
  protocols: struct('otlpreceiver.Protocols', {
    grpc: struct('configgrpc.ServerConfig', grpcServer),
    http: struct('otlpreceiver.HTTPConfig', httpServer),
  }),
});
// processor/batchprocessor/config.go: we set no key (`batch: {}`).
const batchProcessor = struct('batchprocessor.Config', {});
// internal/memorylimiter/config.go (processor/memorylimiterprocessor/config.go aliases it).
const memoryLimiter = struct('memorylimiter.Config', {
  check_interval: duration,
  limit_percentage: uint('uint32'),
  spike_limit_percentage: uint('uint32'),
});
// exporter/otlpexporter/config.go: Config squashes configgrpc.ClientConfig. metadata.yaml: type `otlp_grpc`,
// deprecated_type `otlp`.
const otlpGrpcExporter = struct('otlpexporter.Config', grpcClient);
// exporter/otlphttpexporter/config.go at v0.155.0 and v0.159.0: Config squashes confighttp.ClientConfig (config/confighttp/
// client.go: `endpoint` string); the exporter appends /v1/metrics or /v1/logs to it (factory.go composeSignalURL).
// metadata.yaml: type `otlp_http`, deprecated_type `otlphttp`.
const otlpHttpExporter = struct('otlphttpexporter.Config', { endpoint: string });
// exporter/nopexporter/nop_exporter.go at v0.155.0 and v0.159.0 (both in otelcol-contrib's manifest.yaml): its config is `&struct{}{}`, so it takes no key.
const nopExporter = struct('struct{}', {});

// --- Contrib ---

// exporter/loadbalancingexporter/config.go: Config.RoutingKey string, Protocol.OTLP otlpexporter.Config,
// ResolverSettings.DNS Optional[DNSResolver] with `hostname` string, `port` string (not int), `interval` Duration.
const loadBalancingExporter = struct('loadbalancingexporter.Config', {
  routing_key: string,
  protocol: struct('loadbalancingexporter.Protocol', { otlp: otlpGrpcExporter }),
  resolver: struct('loadbalancingexporter.ResolverSettings', {
    dns: struct('loadbalancingexporter.DNSResolver', { hostname: string, port: string, interval: duration }),
  }),
});

// processor/tailsamplingprocessor/config.go: PolicyCfg squashes sharedPolicyCfg (`name` string, `type` PolicyType);
// LatencyCfg.ThresholdMs int64, StatusCodeCfg.StatusCodes []string, ProbabilisticCfg.SamplingPercentage float64.
const tailSamplingPolicy = struct('tailsamplingprocessor.PolicyCfg', {
  name: string,
  type: named('tailsamplingprocessor.PolicyType'),
  status_code: struct('tailsamplingprocessor.StatusCodeCfg', { status_codes: list(string) }),
  latency: struct('tailsamplingprocessor.LatencyCfg', { threshold_ms: int('int64') }),
  probabilistic: struct('tailsamplingprocessor.ProbabilisticCfg', { sampling_percentage: float64 }),
});
// processor/tailsamplingprocessor/config.go: Config.
const tailSampling = struct('tailsamplingprocessor.Config', {
  decision_wait: duration,
  num_traces: uint('uint64'),
  expected_new_traces_per_sec: uint('uint64'),
  policies: list(tailSamplingPolicy),
});

// internal/healthcheck/config.go: Config, shared by extension/healthcheckextension (`health_check`, which wraps it)
// and extension/healthcheckv2extension (`healthcheckv2`). It squashes http.LegacyConfig (internal/http/config.go:
// confighttp.ServerConfig squashed, `use_v2` bool); `http` is *http.Config, which squashes confighttp.ServerConfig.
const healthCheck = struct('healthcheck.Config', {
  ...httpServer,
  use_v2: bool,
  http: struct('http.Config', httpServer),
});

// connector/spanmetricsconnector/config.go: Config.MetricsFlushInterval time.Duration. metadata.yaml: type
// `span_metrics`, deprecated_type `spanmetrics`.
const spanMetrics = struct('spanmetricsconnector.Config', { metrics_flush_interval: duration });
// exporter/prometheusexporter/config.go: Config squashes confighttp.ServerConfig.
const prometheusExporter = struct('prometheusexporter.Config', httpServer);

// --- Jaeger v2.20.0 ---

// internal/storage/v2/memory/config.go: Configuration.MaxTraces int.
const memoryStore = struct('memory.Configuration', { max_traces: int('int') });
// internal/storage/v1/badger/config.go: Config, TTL.Spans Duration, Directories.Keys/Values string.
const badgerStore = struct('badger.Config', {
  ephemeral: bool,
  directories: struct('badger.Directories', { keys: string, values: string }),
  ttl: struct('badger.TTL', { spans: duration }),
});
// internal/storage/elasticsearch/config/config.go: IndexOptions.Shards int64, Replicas *int64.
const indexOptions = struct('escfg.IndexOptions', { shards: int('int64'), replicas: int('int64') });
// internal/storage/elasticsearch/config/config.go: Configuration.Servers []string `server_urls`, Indices.
const openSearchStore = struct('escfg.Configuration', {
  server_urls: list(string),
  indices: struct('escfg.Indices', {
    index_prefix: named('escfg.IndexPrefix'),
    spans: indexOptions,
    services: indexOptions,
    dependencies: indexOptions,
    sampling: indexOptions,
  }),
});
// cmd/internal/storageconfig/config.go: PrometheusConfiguration squashes promcfg.Configuration
// (internal/config/promcfg/config.go: ServerURL string `endpoint`, NormalizeCalls/NormalizeDuration bool).
const prometheusStore = struct('storageconfig.PrometheusConfiguration', {
  endpoint: string,
  normalize_calls: bool,
  normalize_duration: bool,
});
// cmd/jaeger/internal/extension/jaegerstorage/config.go squashes storageconfig.Config (cmd/internal/storageconfig/
// config.go): `backends` map[string]TraceBackend, `metric_backends` map[string]MetricBackend.
const jaegerStorage = struct('jaegerstorage.Config', {
  backends: map(
    struct('storageconfig.TraceBackend', { memory: memoryStore, badger: badgerStore, opensearch: openSearchStore }),
  ),
  metric_backends: map(struct('storageconfig.MetricBackend', { prometheus: prometheusStore })),
});
// cmd/jaeger/internal/extension/jaegerquery/config.go: Config squashes QueryOptions (internal/flags.go: `ui`
// UIConfig, `http` confighttp.ServerConfig, `grpc` configgrpc.ServerConfig); Storage.TracesPrimary `traces`.
const jaegerQuery = struct('jaegerquery.Config', {
  storage: struct('jaegerquery.Storage', { traces: string, metrics: string }),
  ui: struct('jaegerquery.UIConfig', { config_file: string }),
  http: struct('confighttp.ServerConfig', httpServer),
  grpc: struct('configgrpc.ServerConfig', grpcServer),
});
// cmd/jaeger/internal/extension/remotesampling/config.go: File Optional[FileConfig] (`path` string,
// `reload_interval` Duration), HTTP Optional[confighttp.ServerConfig].
const remoteSampling = struct('remotesampling.Config', {
  file: struct('remotesampling.FileConfig', { path: string, reload_interval: duration }),
  http: struct('confighttp.ServerConfig', httpServer),
});
// cmd/jaeger/internal/exporters/storageexporter/config.go: Config.TraceStorage string.
const jaegerStorageExporter = struct('storageexporter.Config', { trace_storage: string });

/** `otel/opentelemetry-collector-contrib:0.159.0` (otel-collector/Dockerfile): the production profile's tiers. */
export const contribCollector: Distribution = {
  name: 'otelcol-contrib 0.159.0',
  components: {
    receivers: { otlp: otlpReceiver },
    processors: { batch: batchProcessor, memory_limiter: memoryLimiter, tail_sampling: tailSampling },
    exporters: {
      load_balancing: loadBalancingExporter,
      loadbalancing: loadBalancingExporter,
      otlp_grpc: otlpGrpcExporter,
      otlp: otlpGrpcExporter,
      otlp_http: otlpHttpExporter,
      otlphttp: otlpHttpExporter,
      nop: nopExporter,
    },
    connectors: {},
    extensions: { health_check: healthCheck },
  },
};

/**
 * `jaeger:2.20.0`: cmd/jaeger/internal/components.go, built on contrib and core 0.155. Its exporters are debug,
 * otlp, otlphttp, nop, jaeger_storage_exporter, kafka and prometheus: no prometheusremotewrite, no loki.
 */
export const jaeger: Distribution = {
  name: 'jaeger 2.20.0',
  components: {
    receivers: { otlp: otlpReceiver },
    processors: { batch: batchProcessor },
    exporters: {
      jaeger_storage_exporter: jaegerStorageExporter,
      prometheus: prometheusExporter,
      otlp_http: otlpHttpExporter,
      otlphttp: otlpHttpExporter,
      nop: nopExporter,
    },
    connectors: { span_metrics: spanMetrics, spanmetrics: spanMetrics },
    extensions: {
      healthcheckv2: healthCheck,
      jaeger_storage: jaegerStorage,
      jaeger_query: jaegerQuery,
      remote_sampling: remoteSampling,
    },
  },
};

// service/config.go and service/pipelines/config.go at core v0.159.0: extensions and pipeline members are
// []component.ID.
const pipeline = struct('pipelines.PipelineConfig', { receivers: list(id), processors: list(id), exporters: list(id) });
/** The `service` section, the same in every distribution. */
export const service = struct('service.Config', { extensions: list(id), pipelines: map(pipeline) });
