import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Distribution } from './collector-schema';
import { contribCollector, jaeger } from './collector-schema';
import { checkConfig } from './config-type-check';
import { jaegerLogsOverlays, loadMerged } from './repo-files';

// Every key of our collector and Jaeger configs, checked against the Go structs of the versions compose runs.
// The collector decodes strictly, so a mismatch here is a collector that exits at start (issue 18).
const repo = join(__dirname, '../..');

const files: [string, Distribution][] = [
  ['otel-collector/gateway.yaml', contribCollector],
  ['otel-collector/tail-sampling.yaml', contribCollector],
  ['jaeger/config.yaml', jaeger],
  ['jaeger/config-badger.yaml', jaeger],
  ['jaeger/config-opensearch.yaml', jaeger],
  // The logs overlays, alone and as the jaeger service runs them, merged over its main configs.
  ...jaegerLogsOverlays.map((overlay): [string, Distribution] => [overlay, jaeger]),
  ...jaegerLogsOverlays.flatMap((overlay) =>
    ['jaeger/config.yaml', 'jaeger/config-badger.yaml'].map((main): [string, Distribution] => [
      `${main} + ${overlay}`,
      jaeger,
    ]),
  ),
];

/** Each problem as one line naming the file, the key path, the expected Go type and what the file has. */
const problemsIn = (file: string, config: unknown, distribution: Distribution) =>
  checkConfig(config, distribution).map((p) => `${file}: ${p.path}: expected ${p.expected}, got ${p.actual}`);

describe.each(files)('%s', (file, distribution) => {
  it(`decodes into the structs of ${distribution.name}: every key known, every value of its Go type`, () => {
    // Parsed without merge keys, as the collector does; a merged pair is parsed file by file the same way.
    const config: unknown = file.includes(' + ') ? loadMerged(file) : parse(readFileSync(join(repo, file), 'utf8'));
    expect(problemsIn(file, config, distribution)).toEqual([]);
  });
});

describe('the type check', () => {
  const dnsPort = (port: unknown) => ({
    exporters: { load_balancing: { resolver: { dns: { hostname: 'otel-tail-sampler', port } } } },
  });
  const checked = (config: unknown) => checkConfig(config, contribCollector);

  it('refuses an int where the struct has a string: the gateway of issue 18', () => {
    expect(checked(dnsPort(4317))).toEqual([
      {
        path: 'exporters.load_balancing.resolver.dns.port',
        expected: 'string (Go string in loadbalancingexporter.DNSResolver)',
        actual: 'int 4317',
      },
    ]);
  });

  it.each([
    ['"4317"', '4317'],
    ['a placeholder', '${env:TAIL_PORT:-4317}'],
    ['a placeholder without default', '${TAIL_PORT}'],
  ])('takes %s for a string field', (_, port) => expect(checked(dnsPort(port))).toEqual([]));

  // The collector converts a whole-value placeholder to the field's type, so its default must parse to that type.
  const percentage = (value: unknown) => ({ processors: { memory_limiter: { limit_percentage: value } } });
  it.each([
    ['an int', 80, []],
    ['a placeholder whose default is an int', '${env:LIMIT:-80}', []],
    ['a placeholder with no default (known at run time only)', '${env:LIMIT}', []],
    ['a placeholder whose default is text', '${env:LIMIT:-high}', ['the placeholder\'s default "high": string "high"']],
    ['a placeholder inside a string, which stays a string', '${env:LIMIT}0', ['string "${env:LIMIT}0"']],
    ['a negative int', -1, ['int -1']],
    ['a float', 80.5, ['float 80.5']],
  ])('for a uint32 field, judges %s', (_, value, actual) => {
    expect(checked(percentage(value)).map((p) => p.actual)).toEqual(actual);
  });

  const interval = (value: unknown) => ({ processors: { memory_limiter: { check_interval: value } } });
  it.each([
    ['"1s"', '1s', []],
    ['"1h30m"', '1h30m', []],
    ['a bare number', 1, ['int 1, which Go reads as nanoseconds']],
    ['a unit Go does not know', '1 sec', ['string "1 sec", not a Go duration']],
  ])('for a time.Duration field, judges %s', (_, value, actual) => {
    expect(checked(interval(value)).map((p) => p.actual)).toEqual(actual);
  });

  it('refuses keys the struct does not have, including a key in the wrong case', () => {
    const config = { processors: { memory_limiter: { check_interval: '1s', Limit_Percentage: 80, limit_mib: 512 } } };
    expect(checked(config).map((p) => [p.path, p.actual])).toEqual([
      ['processors.memory_limiter.Limit_Percentage', 'an unknown key'],
      ['processors.memory_limiter.limit_mib', 'an unknown key'],
    ]);
  });

  it('refuses a component type the distribution lacks, and takes a deprecated alias', () => {
    const config = { exporters: { 'otlp/old-name': { endpoint: 'jaeger:4317' }, 'kafka/x': {} } };
    expect(checked(config).map((p) => [p.path, p.actual])).toEqual([['exporters.kafka/x', 'unknown type "kafka"']]);
  });

  it('takes a comma-separated string for a []string field, but not for a []component.ID', () => {
    const opensearch = { opensearch: { server_urls: 'http://a:9200,http://b:9200' } };
    const config = {
      extensions: { jaeger_storage: { backends: { main: opensearch } } },
      service: { extensions: 'a,b' },
    };
    expect(checkConfig(config, jaeger).map((p) => [p.path, p.actual])).toEqual([
      ['service.extensions', 'string "a,b"'],
    ]);
  });
});
