import { redisStatement } from '../../src/instrumentation/redis-statement';

describe('redisStatement', () => {
  it.each([
    ['set', ['user:42', '{"email":"a@b.c"}', 'EX', '60'], 'SET user:42 [3 other arguments]'],
    ['get', ['user:42'], 'GET user:42'],
    ['hset', ['h', 'field', 'value'], 'HSET h [2 other arguments]'],
    ['sadd', ['s', 'secret-member'], 'SADD s [1 other arguments]'],
    ['auth', ['default', 'hunter2'], 'AUTH [2 arguments]'],
    ['eval', ['return redis.call("get", KEYS[1])', '1', 'k'], 'EVAL [3 arguments]'],
    ['publish', ['channel', 'payload'], 'PUBLISH [2 arguments]'],
    ['ping', [], 'PING'],
    ['multi', [], 'MULTI'],
    ['client', ['SETINFO', 'LIB-NAME', 'ioredis'], 'CLIENT SETINFO [2 arguments]'],
    ['config', ['get', 'maxmemory'], 'CONFIG GET [1 arguments]'],
    ['acl', ['setuser', 'bob', '>hunter2'], 'ACL SETUSER [2 arguments]'],
    ['client', ['not a keyword'], 'CLIENT [1 arguments]'],
  ])('%s %j -> %s', (command, args, expected) => {
    expect(redisStatement(command, args)).toBe(expected);
  });

  it('prints Buffer keys as text and caps long keys', () => {
    expect(redisStatement('get', [Buffer.from('k1')])).toBe('GET k1');
    expect(redisStatement('get', ['k'.repeat(1000)])).toHaveLength(4 + 256 + 1);
  });
});
