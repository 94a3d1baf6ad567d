import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactSecrets, SECRET_HEADERS } from '../../../../packages/fastify-http-telemetry/src/logger.ts';

const SECRETS = { authorization: 'Bearer s3cret', cookie: 'a=s3cret', 'set-cookie': 'b=s3cret' };
const CENSORED = { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]' };

describe('redactSecrets', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['headers at the top', { headers: { ...SECRETS, accept: '*/*' } }, { headers: { ...CENSORED, accept: '*/*' } }],
    [
      'headers one level down',
      { req: { method: 'GET', headers: { ...SECRETS } }, n: 1 },
      { req: { method: 'GET', headers: { ...CENSORED } }, n: 1 },
    ],
    [
      'both, beside other fields',
      { msg: 'x', headers: { cookie: 'c' }, upstream: { headers: { 'proxy-authorization': 'p' } } },
      { msg: 'x', headers: { cookie: '[redacted]' }, upstream: { headers: { 'proxy-authorization': '[redacted]' } } },
    ],
    ['no secret header', { headers: { accept: '*/*' }, n: 1 }, { headers: { accept: '*/*' }, n: 1 }],
    [
      'no headers at all',
      { http_route: '/', duration_ms: 0.2, err: null },
      { http_route: '/', duration_ms: 0.2, err: null },
    ],
  ];
  for (const [name, line, expected] of cases) {
    test(name, () => {
      const before = structuredClone(line);
      assert.deepEqual(redactSecrets(line), expected);
      assert.deepEqual(line, before, "the caller's objects are left as they were");
    });
  }

  test('a line without secrets is passed through, not copied', () => {
    const line = { headers: { accept: '*/*' }, req: { headers: {} } };
    assert.equal(redactSecrets(line), line);
  });

  test('covers every secret header the contract names', () => {
    assert.deepEqual([...SECRET_HEADERS].sort(), ['authorization', 'cookie', 'proxy-authorization', 'set-cookie']);
  });
});
