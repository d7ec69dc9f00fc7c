import { parseEndpointRules } from '../../../src/config/endpoint-rules';
import { pathGlobToRegExp } from '../../../src/config/path-glob';
import { parseRulesFile } from '../../../src/config/rules-file';

describe('path globs', () => {
  it.each([
    ['/health*', '/health', true],
    ['/health*', '/healthz', true],
    ['/health*', '/health/live', false],
    ['/api/*/orders', '/api/v1/orders', true],
    ['/api/*/orders', '/api/v1/v2/orders', false],
    ['/api/**', '/api', true],
    ['/api/**', '/api/a/b/c', true],
    ['/api/**', '/apis', false],
    ['/a/**/z', '/a/b/c/z', true],
    ['/v1.0/x', '/v1a0/x', false],
  ])('%s against %s: %s', (glob, path, matches) => {
    expect(pathGlobToRegExp(glob).test(path)).toBe(matches);
  });
});

describe('OTEL_BOOTSTRAP_SAMPLING_RULES', () => {
  it('parses the documented example, in order', () => {
    const { rules, problems } = parseEndpointRules('GET /health*=0; /api/payments/**=1; POST /api/orders=0.5');
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.method, r.ratio, r.text])).toEqual([
      ['GET', 0, 'GET /health*=0'],
      [undefined, 1, '/api/payments/**=1'],
      ['POST', 0.5, 'POST /api/orders=0.5'],
    ]);
  });

  it('accepts commas as separators and lowercase methods', () => {
    const { rules } = parseEndpointRules('get /a=0.2,/b=1');
    expect(rules.map((r) => [r.method, r.ratio])).toEqual([
      ['GET', 0.2],
      [undefined, 1],
    ]);
  });

  it.each([['/x=2'], ['/x'], ['x=0.5'], ['GET/x=0.5'], ['/x=half']])('reports %s and keeps the other rules', (bad) => {
    const { rules, problems } = parseEndpointRules(`/ok=1; ${bad}`);
    expect(rules.map((r) => r.text)).toEqual(['/ok=1']);
    expect(problems).toEqual([expect.stringContaining(`rule "${bad}" is invalid`)]);
  });
});

describe('the rules file', () => {
  const good = `{
  "rules": [
    { "name": "payments", "match": { "kind": "server", "path": "/api/payments/**" }, "ratio": 1, "maxPerSecond": 50 },
    { "match": { "attributes": { "http.request.header.x-tenant": "acme*" } }, "ratio": 0.5 }
  ],
  "defaultRatio": 0.1,
  "keepErrors": true,
  "keepSlowerThan": "2s",
  "keepBuffer": { "maxSpans": 5000, "ttl": "10s" }
}`;

  it('reads every setting', () => {
    expect(parseRulesFile(good, 'rules.json')).toEqual({
      file: {
        rules: [
          { name: 'payments', match: { kind: 'server', path: '/api/payments/**' }, ratio: 1, maxPerSecond: 50 },
          { name: 'rule 2', match: { attributes: { 'http.request.header.x-tenant': 'acme*' } }, ratio: 0.5 },
        ],
        defaultRatio: 0.1,
        keepErrors: true,
        keepSlowerThanMs: 2000,
        keepBuffer: { maxSpans: 5000, ttlMs: 10000 },
      },
    });
  });

  it.each([
    [good.replace('"ratio": 0.5', '"ratio": 5'), 'rules.json:4: rule 2 needs "ratio", a number from 0 to 1'],
    [good.replace('"kind": "server"', '"kind": "svr"'), 'rules.json:3: rule 1: "match.kind" must be one of'],
    [good.replace('"keepSlowerThan": "2s"', '"keepSlowerThan": "soon"'), 'rules.json:8: "keepSlowerThan" must be'],
    [good.replace('"defaultRatio"', '"defaultRate"'), 'rules.json:6: unknown setting "defaultRate"'],
    [good.replace('"ratio": 1,', '"ratio": 1'), 'rules.json:3: invalid JSON'],
    [good.replace('"maxSpans": 5000', '"maxSpans": -1'), 'rules.json:9: "keepBuffer.maxSpans" must be'],
  ])('rejects a bad file with the line at fault (%#)', (text, message) => {
    const result = parseRulesFile(text, 'rules.json');
    expect('error' in result && result.error).toEqual(expect.stringContaining(message));
  });
});
