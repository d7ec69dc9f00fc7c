import { describeWithServices, serviceUrl, withReceiver } from '@org/otel-testing';
import { fixture } from '../helpers/http';

/** Runs the secrets fixture and returns every exported byte, as text, and the receiver. */
function exportedBytes(env: Record<string, string>) {
  return withReceiver(async (receiver) => {
    const exit = await receiver.runFixture(fixture('secrets-app.js'), {
      OTEL_BOOTSTRAP_REDACT_KEYS: '*.ssn',
      PG_URL: serviceUrl('postgres'),
      REDIS_URL: serviceUrl('redis'),
      ...env,
    });
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(receiver.decodeErrors).toEqual([]);
    return { wire: receiver.requests.map((r) => r.body.toString('latin1')).join('\n'), receiver };
  });
}

describeWithServices(['postgres', 'redis'])('secrets never leave the process', () => {
  it.each([['http/protobuf'], ['http/json']])('finds 0 planted secrets in the raw %s bytes', async (protocol) => {
    const { wire, receiver } = await exportedBytes({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    expect(wire.match(/SECRET_[A-Z]+_\d/g) ?? []).toEqual([]);
    // ...and something was there: the marks are visible, and the non-secrets kept.
    expect(wire.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(10);
    const planted = receiver.spans.find((s) => s.name === 'secrets');
    expect(planted?.attributes).toMatchObject({
      'http.request.header.authorization': '[REDACTED]',
      'http.request.header.x-auth-token': '[REDACTED]',
      'http.response.header.set-cookie': ['[REDACTED]'],
      'app.api_key': '[REDACTED]',
      'user.password': '[REDACTED]',
      'customer.ssn': '[REDACTED]',
      'llm.usage.total_tokens': 42,
    });
    expect(planted?.events[0].attributes).toEqual({ 'user.password': '[REDACTED]', 'user.id': 'u-1' });
    const server = receiver.spans.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/callback');
    expect(server?.attributes['url.query']).toBe('code=[REDACTED]&state=ok');
    const connect = receiver.spans.find((s) => s.name === 'open-db-connection');
    expect(connect?.events[0].attributes['exception.message']).toBe(
      'connect to https://app:[REDACTED]@db.example/x?password=[REDACTED] failed; sent Bearer [REDACTED]',
    );
  });

  it('exports them all when redaction is switched off (so the check above can fail)', async () => {
    const { wire } = await exportedBytes({ OTEL_BOOTSTRAP_REDACT: 'false' });
    const found = new Set(wire.match(/SECRET_[A-Z]+_\d/g));
    // SQL literals and Redis values are scrubbed at the source, whatever the switch says.
    expect([...found].sort()).toEqual([
      'SECRET_BEARER_1',
      'SECRET_CUSTOM_1',
      'SECRET_EVENT_1',
      'SECRET_EXCEPTION_1',
      'SECRET_HEADER_1',
      'SECRET_HEADER_2',
      'SECRET_HEADER_3',
      'SECRET_KEY_1',
      'SECRET_KEY_2',
      'SECRET_QUERY_1',
      'SECRET_QUERY_2',
      'SECRET_STATUS_1',
      'SECRET_URLPASS_1',
    ]);
  });
});
