import { RedactionRules } from '../../src/redaction/redaction-rules';

const rules = new RedactionRules({ extraKeyGlobs: ['*.ssn', 'payment.card_*'], extraQueryKeys: ['otp'] });

describe('RedactionRules', () => {
  it.each([
    ['http.request.header.authorization', 'Bearer abc'],
    ['http.request.header.cookie', 'a=b'],
    ['http.response.header.set-cookie', 'sid=1'],
    ['http.request.header.proxy-authorization', 'Basic x'],
    ['http.request.header.x-api-key', 'k'],
    ['http.request.header.x-csrf-token', 't'],
    ['http.request.header.x-session-id', 's'],
    ['user.password', 'p'],
    ['app.api_key', 'k'],
    ['oauth.refresh_token', 'r'],
    ['db.credentials', 'c'],
    ['customer.ssn', '123-45-6789'],
    ['payment.card_number', '4111'],
  ])('redacts %s', (key, value) => {
    expect(rules.changes({ [key]: value })).toEqual({ [key]: '[REDACTED]' });
  });

  it.each([
    ['llm.usage.total_tokens', 42],
    ['http.request.header.x-tenant', 'acme'],
    ['user.id', 'u-1'],
    ['http.route', '/api/keys/:id'],
  ])('keeps %s', (key, value) => {
    expect(rules.changes({ [key]: value })).toBeUndefined();
  });

  it('redacts every element of an array value', () => {
    expect(rules.changes({ 'http.request.header.cookie': ['a=1', 'b=2'] })).toEqual({
      'http.request.header.cookie': ['[REDACTED]', '[REDACTED]'],
    });
  });

  it.each([
    ['url.full', 'https://h/cb?code=abc&state=ok', 'https://h/cb?code=[REDACTED]&state=ok'],
    ['url.query', 'access_token=x.y.z&page=2', 'access_token=[REDACTED]&page=2'],
    [
      'url.full',
      'https://h/x?Signature=abc%2F&X-Amz-Signature=def',
      'https://h/x?Signature=[REDACTED]&X-Amz-Signature=[REDACTED]',
    ],
    ['http.target', '/reset?otp=123456', '/reset?otp=[REDACTED]'],
    ['url.full', 'https://user:pa55@h/x', 'https://user:[REDACTED]@h/x'],
    ['url.full', 'https://h/x?monkey=1&keyboard=2', undefined],
  ])('redacts secret query values in %s: %s', (key, value, expected) => {
    expect(rules.changes({ [key]: value })?.[key]).toBe(expected);
  });

  it('scrubs SQL literals for systems not already scrubbed at the source', () => {
    const sql = "SELECT * FROM t WHERE email = 'a@b.c'";
    expect(rules.changes({ 'db.system.name': 'mysql', 'db.query.text': sql })).toEqual({
      'db.query.text': 'SELECT * FROM t WHERE email = ?',
    });
    expect(rules.changes({ 'db.system.name': 'postgresql', 'db.query.text': 'SELECT $1' })).toBeUndefined();
  });

  it('redacts secrets inside exception messages and other text', () => {
    expect(
      rules.redactText(
        'GET https://svc/reset?token=abc123 failed: Authorization Bearer eyJhbGciOi.x.y; Key (email)=(a@b.c) already exists',
      ),
    ).toBe(
      'GET https://svc/reset?token=[REDACTED] failed: Authorization Bearer [REDACTED]; Key (email)=([REDACTED]) already exists',
    );
  });
});
