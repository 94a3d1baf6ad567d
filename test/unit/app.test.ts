import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIVE_REQUESTS, OTHER_METHOD, REQUEST_DURATION, UNMATCHED_ROUTE } from 'fastify-http-telemetry';
import { buildTestApp, type LogLine, TEST_SERVICE } from '../helpers/app.ts';
import { parseExposition, seriesCount, sumOf } from '../helpers/exposition.ts';

const COUNT = `${REQUEST_DURATION}_count`;
const STATUS_ROUTE = '/status/{status_code}';

async function scrape(app: Awaited<ReturnType<typeof buildTestApp>>['app']) {
  return parseExposition((await app.inject('/metrics')).body);
}

function accessLines(logs: LogLine[]): LogLine[] {
  return logs.filter((line) => line.msg === 'request completed');
}

describe('request metrics', () => {
  test('count exactly the requests sent, by method, route template and status', async (t) => {
    const { app } = await buildTestApp(t);
    const mix: Array<[string, number]> = [
      ['/', 7],
      ['/status/400', 3],
      ['/status/409', 2],
      ['/status/500', 5],
      ['/status/200?seconds_sleep=0.01', 4],
      ['/no/such/route', 6],
    ];
    for (const [url, times] of mix) {
      await Promise.all(Array.from({ length: times }, () => app.inject(url)));
    }
    // Probes and scrapes are not traffic.
    for (const url of ['/healthz', '/readyz', '/metrics']) await app.inject(url);

    const samples = await scrape(app);
    const count = (route: string, status: string) =>
      sumOf(samples, COUNT, { http_request_method: 'GET', http_route: route, http_response_status_code: status });
    assert.equal(count('/', '200'), 7);
    assert.equal(count(STATUS_ROUTE, '400'), 3);
    assert.equal(count(STATUS_ROUTE, '409'), 2);
    assert.equal(count(STATUS_ROUTE, '500'), 5);
    assert.equal(count(STATUS_ROUTE, '200'), 4);
    assert.equal(count(UNMATCHED_ROUTE, '404'), 6);
    assert.equal(sumOf(samples, COUNT), 27, 'nothing else was counted');
    for (const route of ['/healthz', '/readyz', '/metrics']) {
      assert.equal(sumOf(samples, COUNT, { http_route: route }), 0, `${route} is not traffic`);
    }
    // Nothing left in flight.
    assert.equal(sumOf(samples, ACTIVE_REQUESTS), 0);
  });

  test('durations land in the right buckets: a 0.3 s sleep is above 0.25 s and within 0.5 s', async (t) => {
    const { app } = await buildTestApp(t);
    await app.inject('/status/200?seconds_sleep=0.3');
    const samples = await scrape(app);
    const bucket = (le: string) => sumOf(samples, `${REQUEST_DURATION}_bucket`, { http_route: STATUS_ROUTE, le });
    assert.equal(bucket('0.25'), 0);
    assert.equal(bucket('0.5'), 1);
    assert.ok(sumOf(samples, `${REQUEST_DURATION}_sum`, { http_route: STATUS_ROUTE }) >= 0.3);
  });

  test('1,000 random unknown paths and odd methods leave the series count bounded', async (t) => {
    const { app } = await buildTestApp(t);
    await app.inject('/');
    const before = seriesCount(await scrape(app), COUNT);
    for (let i = 0; i < 1000; i++) {
      await app.inject(`/${Math.random().toString(36).slice(2)}/${i}?q=${i}`);
    }
    for (const method of ['PROPFIND', 'PURGE', 'LOCK', 'MKCOL']) {
      await app.inject({ method: method as 'GET', url: `/${method}` });
    }
    const samples = await scrape(app);
    // One new series for unmatched GETs, one for unmatched _OTHER methods.
    assert.equal(seriesCount(samples, COUNT), before + 2);
    assert.equal(sumOf(samples, COUNT, { http_route: UNMATCHED_ROUTE, http_request_method: 'GET' }), 1000);
    assert.equal(sumOf(samples, COUNT, { http_route: UNMATCHED_ROUTE, http_request_method: OTHER_METHOD }), 4);
    const routes = new Set(samples.filter((s) => s.name === COUNT).map((s) => s.labels.http_route));
    assert.deepEqual([...routes].sort(), ['/', UNMATCHED_ROUTE]);
  });

  test('bad input is counted under the route template, not the raw URL', async (t) => {
    const { app } = await buildTestApp(t);
    for (const code of ['abc', '2e2', '99999', '600']) await app.inject(`/status/${code}`);
    const samples = await scrape(app);
    assert.equal(sumOf(samples, COUNT, { http_route: STATUS_ROUTE, http_response_status_code: '400' }), 4);
    assert.equal(seriesCount(samples, COUNT), 1);
  });
});

describe('access log', () => {
  test('one JSON line a request with the contract fields, level by status', async (t) => {
    const { app, logs } = await buildTestApp(t);
    const cases: Array<[string, number, string, string]> = [
      ['/', 200, 'info', '/'],
      ['/status/302', 302, 'info', STATUS_ROUTE],
      ['/status/404?seconds_sleep=0', 404, 'warn', STATUS_ROUTE],
      ['/status/503', 503, 'error', STATUS_ROUTE],
      ['/status/abc', 400, 'warn', STATUS_ROUTE],
      ['/missing', 404, 'warn', UNMATCHED_ROUTE],
    ];
    for (const [url] of cases) await app.inject(url);

    const lines = accessLines(logs);
    assert.equal(lines.length, cases.length, 'exactly one access line a request');
    const requestIds = new Set<unknown>();
    cases.forEach(([url, status, level, route], i) => {
      const line = lines[i];
      assert.ok(line);
      assert.equal(line.level, level, url);
      assert.equal(line.service, TEST_SERVICE);
      assert.equal(line.http_request_method, 'GET');
      assert.equal(line.http_route, route);
      assert.equal(line.url_path, url.split('?')[0]);
      assert.equal(line.http_response_status_code, status);
      assert.equal(typeof line.duration_ms, 'number');
      assert.ok(!Number.isNaN(Date.parse(line.time)), 'ISO time');
      assert.equal(typeof line.request_id, 'string');
      requestIds.add(line.request_id);
    });
    assert.equal(requestIds.size, cases.length, 'request ids are unique');
  });

  test('probes and scrapes write no access line', async (t) => {
    const { app, logs } = await buildTestApp(t);
    for (const url of ['/healthz', '/readyz', '/metrics']) await app.inject(url);
    assert.deepEqual(accessLines(logs), []);
  });

  test('a thrown error is logged once, with its stack, on its access line; the client learns nothing internal', async (t) => {
    const { app, logs } = await buildTestApp(t);
    app.get('/boom', async function failingRoute() {
      throw new Error('database unreachable');
    });
    const res = await app.inject('/boom');
    assert.equal(res.statusCode, 500);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.doesNotMatch(res.body, /database unreachable/);
    const withStack = logs.filter((line) => typeof (line.err as { stack?: unknown } | undefined)?.stack === 'string');
    assert.equal(withStack.length, 1, 'exactly one line with the stack');
    const [line] = withStack;
    assert.equal(line?.msg, 'request completed');
    assert.equal(line?.level, 'error');
    assert.equal(line?.http_response_status_code, 500);
    assert.equal(typeof line?.request_id, 'string');
    const err = line?.err as { type: string; message: string; stack: string };
    assert.equal(err.message, 'database unreachable');
    assert.match(err.stack, /\n\s+at (?:Object\.)?failingRoute /);
  });

  // The cases are in the package's logger.test.ts; this is the service's logger applying them.
  test("the service's logger redacts secret headers", async (t) => {
    const { app, logs } = await buildTestApp(t);
    app.log.info({ headers: { authorization: 'Bearer s3cret', accept: '*/*' } }, 'headers');
    assert.deepEqual(logs.find((l) => l.msg === 'headers')?.headers, { authorization: '[redacted]', accept: '*/*' });
  });
});
