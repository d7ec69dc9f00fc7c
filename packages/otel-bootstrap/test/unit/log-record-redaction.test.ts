import { SeverityNumber } from '@opentelemetry/api';
import type { AnyValue, Attributes } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { RedactingLogRecordProcessor } from '../../src/redaction/RedactingLogRecordProcessor';
import { RedactionRules } from '../../src/redaction/redaction-rules';

const rules = new RedactionRules({ extraKeyGlobs: ['*.ssn', 'card_*'], extraQueryKeys: ['otp'] });

/** Emits one record through redaction into memory, and returns what the exporter got. */
function emitted(body: AnyValue, attributes: Record<string, AnyValue> = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new RedactingLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), rules)],
  });
  provider.getLogger('test').emit({ severityNumber: SeverityNumber.INFO, body, attributes: attributes as Attributes });
  const [record] = exporter.getFinishedLogRecords();
  return { body: record.body, attributes: record.attributes as Record<string, AnyValue> };
}

describe('log records get the spans’ redaction rules', () => {
  it.each([
    ['password', 'hunter2'],
    ['user.password', 'hunter2'],
    ['http.request.header.authorization', 'Bearer abcdefgh'],
    ['customer.ssn', '123-45-6789'],
    ['card_number', '4111111111111111'],
  ])('an attribute named %s never leaves', (key, value) => {
    expect(emitted('login', { [key]: value, user: 'ada' }).attributes).toEqual({ [key]: '[REDACTED]', user: 'ada' });
  });

  it('judges nested keys by their dotted path, as loggers nest them, without touching the app’s objects', () => {
    const user = { name: 'ada', password: 'hunter2', profile: { ssn: '123-45-6789', city: 'Paris' } };
    const { attributes } = emitted('login', { user });
    expect(attributes.user).toEqual({
      name: 'ada',
      password: '[REDACTED]',
      profile: { ssn: '[REDACTED]', city: 'Paris' },
    });
    expect(user.password).toBe('hunter2');
  });

  it('scrubs query-string secrets, bearer tokens and URL passwords from every string, whatever its key', () => {
    const { attributes } = emitted('call', {
      'url.full': 'https://api.example/cb?code=abc&state=ok',
      target: '/reset?token=t0k3n&lang=fr',
      req: { url: '/login?otp=123456', headers: ['Authorization: Bearer abcdefghij'] },
      dsn: 'postgres://app:s3cret@db:5432/test',
    });
    expect(attributes).toEqual({
      'url.full': 'https://api.example/cb?code=[REDACTED]&state=ok',
      target: '/reset?token=[REDACTED]&lang=fr',
      req: { url: '/login?otp=[REDACTED]', headers: ['Authorization: Bearer [REDACTED]'] },
      dsn: 'postgres://app:[REDACTED]@db:5432/test',
    });
  });

  it('scrubs the body the same way, a string or a map', () => {
    expect(emitted('fetching https://h/file?sig=abc123&x=1').body).toBe('fetching https://h/file?sig=[REDACTED]&x=1');
    expect(emitted({ event: 'login', password: 'hunter2' }).body).toEqual({ event: 'login', password: '[REDACTED]' });
  });

  it('scrubs the values an error message quotes, as for exception events', () => {
    const { attributes } = emitted('failed', { 'exception.message': 'invalid input syntax for type integer: "4111"' });
    expect(attributes['exception.message']).toBe('invalid input syntax for type integer: "?"');
  });

  it('leaves a record without secrets as it was', () => {
    const attributes = { user: 'ada', count: 3, nested: { ok: true, list: [1, 'a'] } };
    expect(emitted('plain message with a = sign', attributes)).toEqual({
      body: 'plain message with a = sign',
      attributes,
    });
  });
});
