import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIVE_REQUESTS, CLIENT_CLOSED_REQUEST, REQUEST_DURATION } from 'fastify-http-telemetry';
import { pollUntil } from '../../support/poll.ts';
import { listenTestApp } from '../helpers/app.ts';
import { parseExposition, sumOf } from '../helpers/exposition.ts';
import { rawConnection } from '../helpers/raw-http.ts';

const STATUS_ROUTE = '/status/{status_code}';
const COUNT = `${REQUEST_DURATION}_count`;

async function scrape(url: string) {
  return parseExposition(await (await fetch(`${url}/metrics`)).text());
}

describe('over real HTTP', () => {
  test('200 concurrent sleeping requests are all answered and all counted', async (t) => {
    const { url } = await listenTestApp(t);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${url}/status/200?seconds_sleep=0.5`).then((res) => res.status)),
    );
    assert.deepEqual(results, Array(200).fill(200));
    const samples = await scrape(url);
    assert.equal(
      sumOf(samples, COUNT, {
        http_route: STATUS_ROUTE,
        http_response_status_code: '200',
      }),
      200,
    );
    assert.equal(sumOf(samples, ACTIVE_REQUESTS), 0);
  });

  test('a client leaving mid-sleep ends the sleep: recorded as 499, nothing left in flight', async (t) => {
    const { url, logs } = await listenTestApp(t);
    const controller = new AbortController();
    const request = fetch(`${url}/status/200?seconds_sleep=30`, { signal: controller.signal }).catch(() => 'aborted');
    await pollUntil(
      async () => sumOf(await scrape(url), ACTIVE_REQUESTS),
      (n) => n === 1,
      { what: 'the request to be in flight' },
    );
    controller.abort();
    assert.equal(await request, 'aborted');

    const samples = await pollUntil(
      () => scrape(url),
      (s) => sumOf(s, COUNT, { http_response_status_code: '499' }) === 1,
      { what: 'the aborted request to be recorded' },
    );
    assert.equal(sumOf(samples, ACTIVE_REQUESTS), 0);
    const line = logs.find((l) => l.msg === 'request aborted by client');
    assert.equal(line?.http_response_status_code, CLIENT_CLOSED_REQUEST);
    assert.equal(line?.level, 'warn');
  });

  test('close() drains: in-flight work completes, then its connection closes; idle ones close at once', async (t) => {
    const { app, port } = await listenTestApp(t);
    const busy = await rawConnection(port);
    const idle = await rawConnection(port);
    const silent = await rawConnection(port);
    t.after(() => {
      for (const connection of [busy, idle, silent]) connection.socket.destroy();
    });
    idle.socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
    await pollUntil(idle.received, (data) => data.includes('"service"'), {
      what: 'the idle connection to be used once',
    });
    busy.socket.write('GET /status/200?seconds_sleep=0.5 HTTP/1.1\r\nHost: test\r\n\r\n');
    await pollUntil(
      async () => sumOf(parseExposition((await app.inject('/metrics')).body), ACTIVE_REQUESTS),
      (n) => n === 1,
      { what: 'the request in flight' },
    );

    const closing = app.close();
    await pollUntil(() => idle.socket.readableEnded, Boolean, { what: 'the idle keep-alive connection to close' });
    // A connection that never sent a request (a browser's speculative one) must not hold shutdown.
    await pollUntil(() => silent.socket.readableEnded || silent.socket.destroyed, Boolean, {
      what: 'the silent connection to close',
    });
    assert.equal(busy.socket.readableEnded, false, 'the busy connection stays until its answer');
    await closing;

    const answer = await pollUntil(busy.received, (data) => data.includes('"status_code"'), { what: 'the answer' });
    assert.match(answer, /^HTTP\/1\.1 200 OK[\s\S]*connection: close[\s\S]*"status_code":200/i);
    await pollUntil(() => busy.socket.readableEnded, Boolean, {
      what: 'the busy connection to close after its answer',
    });
  });
});
