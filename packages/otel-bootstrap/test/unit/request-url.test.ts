import { parseRequestUrl } from '../../src/instrumentation/http-server/request-url';

// parseRequestUrl splits plain targets itself instead of parsing them: it must give what `new URL` gives for every
// target and host, including the ones it hands to `new URL`.
function viaUrl(target: string, scheme: string, host: string) {
  try {
    const url = new URL(target, `${scheme}://${host}`);
    return { pathname: url.pathname, search: url.search };
  } catch {
    return undefined;
  }
}

function ours(target: string, scheme: string, host: string) {
  const url = parseRequestUrl(target, scheme, host);
  return url && { pathname: url.pathname, search: url.search };
}

const ALPHABET = [
  ...'abcXYZ019/?#%.:@!$&\'()*+,;=-_~ "<>\\^`{|}[]\t',
  '..',
  '/./',
  '/../',
  '%2e',
  '%2E',
  '%20',
  'é',
  '\u0000',
  '\u007f',
  '?',
  '//',
];

/** A seeded generator, so a failure can be reproduced. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('parseRequestUrl', () => {
  it.each([
    ['/', 'localhost'],
    ['/item/7', 'localhost:3000'],
    ['/a/b?x=1&y=2', 'example.com'],
    ['/a?', 'example.com'],
    ['/a??b', 'example.com'],
    ['/a/../b', 'example.com'],
    ['/a/./b', 'example.com'],
    ['/a/..', 'example.com'],
    ['/a/%2e%2E/b', 'example.com'],
    ['//evil.example/x', 'example.com'],
    ['/a\\b', 'example.com'],
    ['/a b', 'example.com'],
    ["/it's?q='x'", 'example.com'],
    ['/x?sig=1', 'example.com'],
    ['*', 'example.com'],
    ['http://other.example/p?q', 'example.com'],
    ['/p', 'bad host'],
    ['/p', '1.2.3.256'],
    ['/p', 'example.com:99999'],
    ['/p', '[::1]:8080'],
    ['/p', ''],
  ])('%s with host %s: as new URL', (target, host) => {
    expect(ours(target, 'http', host)).toEqual(viaUrl(target, 'http', host));
  });

  it('gives what new URL gives on 20,000 random targets', () => {
    const next = random(20_26);
    const hosts = ['localhost', 'example.com:8080', 'bad host', '1.2.3.256', 'a:99999', '[::1]'];
    for (let i = 0; i < 20_000; i++) {
      let target = '/';
      const length = Math.floor(next() * 12);
      for (let j = 0; j < length; j++) target += ALPHABET[Math.floor(next() * ALPHABET.length)];
      const host = hosts[Math.floor(next() * hosts.length)];
      const scheme = next() < 0.5 ? 'http' : 'https';
      expect([target, host, ours(target, scheme, host)]).toEqual([target, host, viaUrl(target, scheme, host)]);
    }
  });

  it('splits plain targets without parsing them', () => {
    parseRequestUrl('/warm', 'http', 'fast.example'); // checks the host, once
    const parse = jest.spyOn(globalThis, 'URL');
    try {
      expect(parseRequestUrl('/orders/42?page=2', 'http', 'fast.example')).toEqual({
        pathname: '/orders/42',
        search: '?page=2',
      });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
