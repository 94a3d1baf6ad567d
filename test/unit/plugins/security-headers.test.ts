import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SECURITY_HEADERS } from '../../../src/plugins/security-headers.ts';
import { buildTestApp } from '../../helpers/app.ts';

const API_POLICY = /^default-src 'none'; frame-ancestors 'none'/;
const PAGE_POLICY = /^default-src 'self'; .*frame-ancestors 'none'/;

describe('security headers', () => {
  test('every kind of answer carries them, with the policy that fits its content', async (t) => {
    const { app } = await buildTestApp(t);
    const cases = [
      { url: '/', status: 200, policy: API_POLICY },
      { url: '/status/201', status: 201, policy: API_POLICY },
      { url: '/status/503', status: 503, policy: API_POLICY },
      { url: '/status/abc', status: 400, policy: API_POLICY },
      { url: '/nope', status: 404, policy: API_POLICY },
      // Rejected before routing, where no hook runs.
      { url: '/status/%zz', status: 400, policy: API_POLICY },
      { url: '/metrics', status: 200, policy: API_POLICY },
      { url: '/healthz', status: 200, policy: API_POLICY },
      { url: '/docs/openapi.json', status: 200, policy: API_POLICY },
      { url: '/docs/', status: 200, policy: PAGE_POLICY },
    ];
    for (const { url, status, policy } of cases) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, status, url);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        assert.equal(res.headers[name], value, `${url} ${name}`);
      assert.match(String(res.headers['content-security-policy']), policy, url);
    }
  });
});
