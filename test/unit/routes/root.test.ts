import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, TEST_SERVICE } from '../../helpers/app.ts';

test('GET / names the service and where to look next', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    service: TEST_SERVICE,
    docs: '/docs',
    openapi: '/docs/openapi.json',
    metrics: '/metrics',
  });
});

test('unknown routes get a 404 problem', async (t) => {
  const { app } = await buildTestApp(t);
  for (const [method, url] of [
    ['GET', '/nope'],
    ['POST', '/'],
    ['DELETE', '/status/200'],
    ['GET', '/status'],
  ] as const) {
    const res = await app.inject({ method, url });
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `No route for ${method} ${url}`,
      instance: url,
    });
  }
});

test('a URL that cannot be decoded gets a 400 problem, not Fastify default JSON', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/status/%zz');
  assert.equal(res.statusCode, 400);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().detail, 'The request URL could not be decoded');
});
