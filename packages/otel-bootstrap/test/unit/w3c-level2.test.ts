import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { StrictTraceContextPropagator } from '../../src/propagation/StrictTraceContextPropagator';
import { installInProcess } from '../helpers/sdk-in-process';
import type { SdkInProcess } from '../helpers/sdk-in-process';

// W3C Trace Context Level 2, from the w3c/trace-context repository: spec/20-http_request_header_format.md and the
// cases of its test suite (test/test.py, TraceContextTest and TraceContext2Test, at commit acab820).

const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const traceparent = (flags: string) => `00-${TRACE_ID}-${PARENT_ID}-${flags}`;

/** What the propagator alone sends on after reading these headers, with no span of ours in between. */
function passedOn(headers: Record<string, string | string[]>): Record<string, string> {
  const propagator = new StrictTraceContextPropagator();
  const carrier: Record<string, string> = {};
  propagator.inject(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter), carrier, defaultTextMapSetter);
  return carrier;
}

const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
const VALUE_CHARS = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i))
  .filter((c) => c !== ',' && c !== '=')
  .join('');
const members = (count: number) => Array.from({ length: count }, (_, i) => `bar${String(i + 1).padStart(2, '0')}=1`);

describe('tracestate keys in Level 2: ( lcalpha / DIGIT ) 0*255 ( keychar ), "@" a keychar', () => {
  it.each<[string, string | string[]]>([
    ['an at sign last (test_tracestate_key_illegal_vendor_format)', 'foo@=1,bar=2'],
    ['two at signs in a row', 'foo@@bar=1,bar=2'],
    ['two at signs apart', 'foo@bar@baz=1,bar=2'],
    ['242 characters before the at sign (test_tracestate_key_length_limit)', ['foo=1', `${'t'.repeat(242)}@v=1`]],
    ['15 characters after the at sign', ['foo=1', `t@${'v'.repeat(15)}=1`]],
    ['a digit first and no at sign', '1special=abracadabra'],
    ['a tenant, a vendor and more', 'special@vendor@tenant=x'],
    ['256 characters', ['foo=1', `${'z'.repeat(256)}=1`]],
    ['the longest Level 1 tenant@vendor', ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`]],
    ['every allowed character (test_tracestate_all_allowed_characters)', `${KEY_CHARS}@a-z0-9_-*/=${VALUE_CHARS}`],
    [
      '32 members over four headers',
      [0, 10, 20, 30].map((i) =>
        members(32)
          .slice(i, i + 10)
          .join(','),
      ),
    ],
  ])('accepts %s: the whole tracestate is passed on', (_label, header) => {
    const sent = passedOn({ traceparent: traceparent('00'), tracestate: header });
    expect(sent.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-${PARENT_ID}-00$`));
    expect(sent.tracestate).toBe([header].flat().join(','));
  });

  it('accepts optional whitespace around members, and sends none', () => {
    const sent = passedOn({ traceparent: traceparent('00'), tracestate: 'foo=1 \t , \t bar=2, \t baz=3' });
    expect(sent.tracestate).toBe('foo=1,bar=2,baz=3');
  });

  it.each<[string, string | string[]]>([
    ['an at sign first', '@foo=1,bar=2'],
    ['257 characters', ['foo=1', `${'z'.repeat(257)}=1`]],
    ['a space in the key', 'foo =1,bar=2'],
    ['upper case', 'FOO=1,bar=2'],
    ['a dot', 'foo.bar=1,bar=2'],
    ['an equals sign in the value', 'foo=bar=baz'],
    ['an empty value', 'foo=,bar=3'],
    ['a value of 257 characters', `foo=${'v'.repeat(257)}`],
    ['33 members', members(33).join(',')],
  ])('drops the whole tracestate for %s, and keeps the traceparent', (_label, header) => {
    expect(passedOn({ traceparent: traceparent('01'), tracestate: header })).toEqual({
      traceparent: traceparent('01'),
    });
  });

  it('keeps one member of a duplicated key', () => {
    expect(passedOn({ traceparent: traceparent('00'), tracestate: 'foo=1,foo=2' }).tracestate).toMatch(/^foo=[12]$/);
  });

  it('truncates past 512 characters by whole members, the long ones first', () => {
    const long = (c: string) => `${c.repeat(250)}=1234567`;
    const sent = passedOn({ traceparent: traceparent('00'), tracestate: ['foo=1', long('a'), long('b'), 'bar=2'] });
    expect(sent.tracestate).toBe(`foo=1,${long('a')},bar=2`);
  });
});

describe('trace flags the propagator passes on', () => {
  it.each([
    ['02', '02'],
    ['03', '03'],
    ['ff', '03'], // flags other than sampled and random are reserved: sent as 0
    ['04', '00'],
  ])('reads %s and sends %s', (incoming, outgoing) => {
    expect(passedOn({ traceparent: traceparent(incoming) }).traceparent).toBe(traceparent(outgoing));
  });
});

// In a service: the SERVER span continues the incoming traceparent, a CLIENT span under it calls downstream.
//   GET [SERVER]  (child of the caller's parent id)
//   └── GET [CLIENT]  -> traceparent sent downstream
describe.each([
  ['keeping errors (the default)', {}],
  ['without keeping, where unsampled children skip the SDK', { OTEL_BOOTSTRAP_KEEP_ERRORS: 'false' }],
])('the random trace-id flag (0x02), %s', (_name, keepEnv) => {
  let sdk: SdkInProcess | undefined;
  afterEach(async () => {
    await sdk?.uninstall();
    sdk = undefined;
  });

  function downstreamOf(env: Record<string, string>, headers: Record<string, string>, rootClient = false): string {
    sdk = installInProcess({ ...keepEnv, ...env });
    const incoming = sdk.extract(headers);
    const server = sdk.tracer.startSpan('GET', { kind: SpanKind.SERVER }, incoming);
    const client = sdk.tracer.startSpan(
      'GET',
      { kind: SpanKind.CLIENT, root: rootClient },
      trace.setSpan(incoming, server),
    );
    const sent = sdk.inject(trace.setSpan(incoming, client)).traceparent;
    client.end();
    server.end();
    return sent;
  }

  it.each([
    ['02', '02'], // test_propagates_random_flag
    ['03', '03'],
    ['01', '01'], // unset on the way in: unset on the way out
    ['00', '00'],
    ['ff', '03'],
    ['06', '02'],
  ])(
    'an incoming traceparent with flags %s continues with the same trace id and leaves with %s',
    (incoming, outgoing) => {
      const sent = downstreamOf({}, { traceparent: traceparent(incoming) });
      expect(sent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-${outgoing}$`));
      expect(sent.split('-')[2]).not.toBe(PARENT_ID);
    },
  );

  it.each([
    ['always_on', { OTEL_TRACES_SAMPLER: 'always_on' }, '03'],
    ['parentbased_always_on', {}, '03'],
    ['a ratio of 0', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, '02'],
    ['always_off', { OTEL_TRACES_SAMPLER: 'always_off' }, '02'],
  ])('a root we start carries it, sampled or not (%s)', (_sampler, env, flags) => {
    expect(downstreamOf(env, {})).toMatch(new RegExp(`^00-[0-9a-f]{32}-[0-9a-f]{16}-${flags}$`));
  });

  it('a new trace started inside a continued one carries it even where the caller had it unset', () => {
    const sent = downstreamOf({}, { traceparent: traceparent('01') }, true);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    expect(sent).not.toContain(TRACE_ID);
  });

  it('the exported spans carry the flags they propagate', () => {
    downstreamOf({}, { traceparent: traceparent('03') });
    expect(
      sdk?.finished().map((span) => [span.kind, span.spanContext().traceId, span.spanContext().traceFlags]),
    ).toEqual([
      [SpanKind.CLIENT, TRACE_ID, 3],
      [SpanKind.SERVER, TRACE_ID, 3],
    ]);
  });
});
