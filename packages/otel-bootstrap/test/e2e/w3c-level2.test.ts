import { useReceiver } from '@org/otel-testing';
import type { ReceivedSpan } from '@org/otel-testing';
import { fixture, get } from '../helpers/http';

// W3C Trace Context Level 2 (w3c/trace-context, spec/) and the X-Trace-ID bridge, through a real
// `node --require` service. Each request to /call makes this trace:
//   level2-svc: GET [SERVER]            (/call; its parent is the caller's, or none)
//   └── level2-svc: GET [CLIENT]        -> traceparent, tracestate, X-Trace-ID as /echo received them
//       └── level2-svc: GET [SERVER]    (/echo)

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const LEGACY = '550e8400-e29b-41d4-a716-446655440000';
const LEGACY_TRACE_ID = '550e8400e29b41d4a716446655440000';

interface Downstream {
  readonly traceparent: string | null;
  readonly tracestate: string | null;
  readonly xTraceId: string | null;
}

describe('W3C Trace Context Level 2, end to end', () => {
  const receiver = useReceiver();
  let port: number;

  beforeAll(async () => {
    ({ port } = await receiver.startService(fixture('level2-service.js'), {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'level2-svc',
      OTEL_PROPAGATORS: 'tracecontext,baggage,xtraceid',
      OTEL_BOOTSTRAP_TRACERESPONSE: 'true',
    }));
  });

  /** Calls /call with these headers; resolves with what /echo received and the spans of the trace it made. */
  async function call(headers: Record<string, string>): Promise<{ downstream: Downstream; spans: ReceivedSpan[] }> {
    const response = await get(`http://127.0.0.1:${port}/call`, headers);
    expect(response.status).toBe(200);
    const { ids, downstream } = JSON.parse(response.body) as { ids: { trace_id: string }; downstream: Downstream };
    const ofTrace = (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.traceId === ids.trace_id);
    await receiver.waitFor((spans) => ofTrace(spans).length === 3);
    return { downstream, spans: ofTrace(receiver.spans) };
  }

  const callSpan = (spans: ReceivedSpan[]) =>
    spans.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/call');

  it('passes an incoming random flag on (03 in, 03 out), and every exported span keeps the trace id', async () => {
    const { downstream, spans } = await call({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-03` });
    expect(downstream.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-03$`));
    expect(spans.map((s) => s.traceId)).toEqual([TRACE_ID, TRACE_ID, TRACE_ID]);
    expect(callSpan(spans)?.parentSpanId).toBe(PARENT_ID);
  });

  it('sets the random flag on a trace it starts itself', async () => {
    const { downstream } = await call({});
    const flags = parseInt(String(downstream.traceparent).slice(-2), 16);
    expect(flags & 0x02).toBe(0x02);
  });

  it('answers with a traceresponse whose random flag is the one the trace carries', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-02` },
    });
    await response.text();
    expect(response.headers.get('traceresponse')).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-02$`));
  });

  it('passes on a tracestate whose keys only Level 2 allows', async () => {
    const tracestate = `foo@@bar=1,t@${'v'.repeat(15)}=2,1abc=3,${'t'.repeat(242)}@v=4`;
    const { downstream } = await call({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate });
    expect(downstream.tracestate).toBe(tracestate);
  });

  it('gives an X-Trace-ID request a root SERVER span with the legacy trace id and no parent', async () => {
    const { downstream, spans } = await call({ 'X-Trace-ID': LEGACY });
    expect(downstream.xTraceId).toBe(LEGACY_TRACE_ID);
    // The legacy id was not made by us: no random flag.
    expect(downstream.traceparent).toMatch(new RegExp(`^00-${LEGACY_TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(spans.map((s) => s.traceId)).toEqual([LEGACY_TRACE_ID, LEGACY_TRACE_ID, LEGACY_TRACE_ID]);
    expect(callSpan(spans)?.parentSpanId).toBe('');
  });
});
