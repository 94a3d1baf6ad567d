import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../helpers/app.ts';

const PROBLEM = /^application\/problem\+json/;

describe('GET /status/{status_code}', () => {
  /** What each answers: a JSON body, no body, or a problem titled with the status's reason phrase. */
  const answered: Array<[number, 'json' | 'empty' | { title: string }]> = [
    [200, 'json'],
    [201, 'json'],
    [204, 'empty'],
    [205, 'empty'],
    [299, 'json'],
    [301, 'json'],
    [304, 'empty'],
    [400, { title: 'Bad Request' }],
    [404, { title: 'Not Found' }],
    [409, { title: 'Conflict' }],
    [418, { title: "I'm a Teapot" }],
    [500, { title: 'Internal Server Error' }],
    [503, { title: 'Service Unavailable' }],
    // No reason phrase registered for it: the status itself.
    [599, { title: 'Status 599' }],
  ];
  for (const [status, kind] of answered) {
    test(`answers ${status} with ${typeof kind === 'string' ? (kind === 'empty' ? 'no body' : kind) : kind.title}`, async (t) => {
      const { app } = await buildTestApp(t);
      const res = await app.inject(`/status/${status}`);
      assert.equal(res.statusCode, status);
      if (kind === 'empty') return assert.equal(res.body, '');
      if (kind === 'json') {
        assert.match(String(res.headers['content-type']), /^application\/json/);
        return assert.equal(res.json().status_code, status);
      }
      assert.match(String(res.headers['content-type']), PROBLEM);
      assert.deepEqual(res.json(), {
        type: 'about:blank',
        title: kind.title,
        status,
        detail: `Status ${status} was requested`,
        instance: `/status/${status}`,
      });
    });
  }

  // Redirects point at the root, so a client that follows one lands on an answer; other
  // statuses carry no Location (300 and 304 say nothing about where to go).
  const locations: Array<[number, string | undefined]> = [
    [200, undefined],
    [300, undefined],
    [301, '/'],
    [302, '/'],
    [303, '/'],
    [304, undefined],
    [305, undefined],
    [307, '/'],
    [308, '/'],
    [400, undefined],
  ];
  for (const [status, location] of locations) {
    test(`${status} ${location === undefined ? 'carries no Location' : `points Location at ${location}`}`, async (t) => {
      const { app } = await buildTestApp(t);
      const res = await app.inject(`/status/${status}`);
      assert.equal(res.statusCode, status);
      assert.equal(res.headers.location, location);
    });
  }

  const statusRange = 'status_code must be an integer from 200 to 599';
  const sleepRange = 'seconds_sleep must be a number of seconds from 0 to 60, fractions allowed';
  const badInput: Array<[string, string, 'path' | 'query', string]> = [
    ['/status/abc', 'status_code', 'path', statusRange],
    ['/status/200.5', 'status_code', 'path', statusRange],
    ['/status/200.0', 'status_code', 'path', statusRange],
    ['/status/2e2', 'status_code', 'path', statusRange],
    ['/status/0x0C8', 'status_code', 'path', statusRange],
    ['/status/-200', 'status_code', 'path', statusRange],
    ['/status/100', 'status_code', 'path', statusRange],
    ['/status/199', 'status_code', 'path', statusRange],
    ['/status/600', 'status_code', 'path', statusRange],
    ['/status/0200', 'status_code', 'path', statusRange],
    [`/status/${'9'.repeat(5000)}`, 'status_code', 'path', statusRange],
    ['/status/200?seconds_sleep=-1', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=NaN', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=Infinity', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=1e309', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=1e1', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=abc', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=61', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=60.001', 'seconds_sleep', 'query', sleepRange],
    ['/status/200?seconds_sleep=1&seconds_sleep=2', 'seconds_sleep', 'query', sleepRange],
  ];
  for (const [url, name, location, detail] of badInput) {
    test(`400 naming ${name} for ${url.length > 60 ? `${url.slice(0, 40)}… (${url.length} chars)` : url}`, async (t) => {
      const { app } = await buildTestApp(t);
      const res = await app.inject(url);
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), PROBLEM);
      const body = res.json();
      assert.equal(body.status, 400);
      assert.equal(body.title, 'Bad Request');
      assert.equal(body.detail, detail);
      assert.deepEqual(body.errors, [{ in: location, name, detail }]);
      // Still serving afterwards.
      assert.equal((await app.inject('/status/200')).statusCode, 200);
    });
  }

  test('the maximum sleep follows MAX_SLEEP_SECONDS', async (t) => {
    const { app } = await buildTestApp(t, { MAX_SLEEP_SECONDS: 0.05 });
    const tooLong = await app.inject('/status/200?seconds_sleep=0.06');
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json().detail, 'seconds_sleep must be a number of seconds from 0 to 0.05, fractions allowed');
    assert.equal((await app.inject('/status/200?seconds_sleep=0.05')).statusCode, 200);
  });

  test('sleeps at least the requested time, fractions included', async (t) => {
    const { app } = await buildTestApp(t);
    const started = performance.now();
    const res = await app.inject('/status/201?seconds_sleep=0.2');
    assert.equal(res.statusCode, 201);
    assert.ok(performance.now() - started >= 195, 'slept');
  });

  test('answers HEAD like GET, without a body', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ method: 'HEAD', url: '/status/503' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.body, '');
  });
});
