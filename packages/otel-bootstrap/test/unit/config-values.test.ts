import { CONFIG_ROWS } from '../../src/config/read-config';
import type { ConfigRow } from '../../src/config/read-config';
import { readEnv } from '../../src/config/read-env';
import type { ConfigValues } from '../../src/config/read-env';

/** True when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Checked by `tsc -p tsconfig.test.json`: each row's value has the type its row gives it, with no cast where it is read.
const TYPES: [
  Same<ConfigValues['OTEL_SDK_DISABLED'], boolean>,
  Same<ConfigValues['OTEL_BSP_MAX_QUEUE_SIZE'], number>,
  Same<ConfigValues['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT'], number | undefined>,
  Same<ConfigValues['OTEL_BOOTSTRAP_SHUTDOWN_TIMEOUT'], number>,
  Same<ConfigValues['OTEL_TRACES_EXPORTER'], 'otlp' | 'terminal' | 'console' | 'none' | undefined>,
  Same<ConfigValues['OTEL_EXPORTER_OTLP_PROTOCOL'], 'http/protobuf' | 'http/json'>,
  Same<ConfigValues['OTEL_BOOTSTRAP_PG'], 'lean' | 'upstream'>,
  Same<ConfigValues['OTEL_BOOTSTRAP_AMQPLIB'], 'lean' | 'upstream'>,
  Same<
    ConfigValues['OTEL_PROPAGATORS'],
    readonly ('tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'xtraceid' | 'none')[]
  >,
  Same<ConfigValues['OTEL_BOOTSTRAP_REDACT_KEYS'], readonly string[]>,
  Same<ConfigValues['OTEL_SERVICE_NAME'], string | undefined>,
  Same<ConfigValues['OTEL_BOOTSTRAP_JAEGER_URL'], string>,
  Same<ConfigValues['OTEL_RESOURCE_ATTRIBUTES'], Readonly<Record<string, string>> | undefined>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];

// @ts-expect-error a misspelt variable name does not compile
type Misspelt = ConfigValues['OTEL_SDK_DISABLE'];

/** What a parsed value of each row type looks like at run time. */
function hasRowType(row: ConfigRow, value: unknown): boolean {
  switch (row.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
    case 'duration':
      return typeof value === 'number' && Number.isInteger(value);
    case 'string':
    case 'url':
      return typeof value === 'string';
    case 'keyvalue':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'enum':
      return row.allowed?.includes(value as string) === true;
    case 'list':
      return Array.isArray(value) && value.every((v) => row.allowed?.includes(v as string) ?? typeof v === 'string');
  }
}

describe('the typed values', () => {
  it('are typed from their rows', () => {
    expect(TYPES.every(Boolean)).toBe(true);
    expect(undefined as Misspelt).toBeUndefined();
  });

  it.each(CONFIG_ROWS.map((row) => [row.key, row] as const))(
    '%s: unset, its value has its row type (or is undefined without a default)',
    (key, row) => {
      const value: unknown = readEnv({}).values[key];
      if (row.default === undefined) expect(value).toBeUndefined();
      else expect(hasRowType(row, value)).toBe(true);
    },
  );
});
