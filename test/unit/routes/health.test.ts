import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.ts';

test('liveness and readiness answer 200 while serving', async (t) => {
  const { app } = await buildTestApp(t);
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  assert.deepEqual((await app.inject('/readyz')).json(), { status: 'ready' });
});

test('once draining, readiness answers 503 problem+json and every answer closes its connection', async (t) => {
  const { app } = await buildTestApp(t);
  app.beginDrain();
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 503);
  assert.match(String(ready.headers['content-type']), /^application\/problem\+json/);
  assert.deepEqual(ready.json(), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'Shutting down',
    instance: '/readyz',
  });
  assert.equal(ready.headers.connection, 'close');
  const work = await app.inject('/status/200');
  assert.equal(work.statusCode, 200, 'still serving while draining');
  assert.equal(work.headers.connection, 'close');
  assert.equal((await app.inject('/healthz')).statusCode, 200, 'still alive');
});
