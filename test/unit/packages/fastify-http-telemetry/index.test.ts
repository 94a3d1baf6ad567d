import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { Counter } from '@prometheus-io/client';
import Fastify from 'fastify';
import telemetry, {
  ACTIVE_REQUESTS,
  OTHER_METHOD,
  REQUEST_DURATION,
  type TelemetryOptions,
  UNMATCHED_ROUTE,
} from 'fastify-http-telemetry';
import { pino } from 'pino';
import { parseExposition, type Sample, sumOf } from '../../../helpers/exposition.ts';

/**
 * The plugin in a bare Fastify app, the way a user registers it in their own service: nothing
 * else of this repository is imported.
 */
type Line = Record<string, unknown>;

const COUNT = `${REQUEST_DURATION}_count`;
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

async function bareApp(t: TestContext, options: TelemetryOptions = {}) {
  const lines: Line[] = [];
  const loggerInstance = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const app = Fastify({ loggerInstance, disableRequestLogging: true });
  await app.register(telemetry, options);
  app.get('/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  app.get('/internal', { config: { telemetry: false } }, async () => 'not traffic');
  t.after(() => app.close());
  return { app, lines };
}

async function samples(app: Awaited<ReturnType<typeof bareApp>>['app'], url = '/metrics'): Promise<Sample[]> {
  return parseExposition((await app.inject(url)).body);
}

describe('the telemetry plugin in a bare Fastify app', () => {
  test('counts by method, route template and status; unmatched, _OTHER and thrown errors included', async (t) => {
    const { app } = await bareApp(t);
    const requests: Array<[string, string, number]> = [
      ['GET', '/hello/ada', 200],
      ['GET', '/hello/grace', 200],
      ['GET', '/boom', 500],
      ['GET', '/no/such/path', 404],
      ['PROPFIND', '/hello/x', 404],
      ['GET', '/internal', 200],
    ];
    for (const [method, url, status] of requests) {
      assert.equal((await app.inject({ method: method as 'GET', url })).statusCode, status, url);
    }
    const got = await samples(app);
    const count = (method: string, route: string, status: string) =>
      sumOf(got, COUNT, { http_request_method: method, http_route: route, http_response_status_code: status });
    assert.equal(count('GET', '/hello/{name}', '200'), 2);
    assert.equal(count('GET', '/boom', '500'), 1);
    assert.equal(count('GET', UNMATCHED_ROUTE, '404'), 1);
    assert.equal(count(OTHER_METHOD, UNMATCHED_ROUTE, '404'), 1);
    assert.equal(sumOf(got, COUNT), 5, 'the opted-out route and the scrape are not traffic');
    assert.equal(sumOf(got, ACTIVE_REQUESTS), 0);
    assert.ok(
      got.some((s) => s.name === 'process_cpu_seconds_total'),
      'runtime metrics on by default',
    );
  });

  test('one access line a request, level by status, with the documented fields', async (t) => {
    const { app, lines } = await bareApp(t);
    await app.inject('/hello/ada?x=1');
    await app.inject('/boom');
    await app.inject('/internal');
    const access = lines.filter((line) => line.msg === 'request completed');
    assert.equal(access.length, 2);
    const [hello, boom] = access;
    assert.deepEqual(
      { ...hello, duration_ms: typeof hello?.duration_ms, time: undefined, pid: undefined, hostname: undefined },
      {
        level: 30,
        reqId: hello?.reqId,
        http_request_method: 'GET',
        http_route: '/hello/{name}',
        url_path: '/hello/ada',
        http_response_status_code: 200,
        duration_ms: 'number',
        msg: 'request completed',
        time: undefined,
        pid: undefined,
        hostname: undefined,
      },
    );
    assert.equal(boom?.level, 50, '5xx logs at error');
    assert.equal(boom?.http_response_status_code, 500);
  });

  test('serves Prometheus text, or OpenMetrics with # EOF when asked', async (t) => {
    const { app } = await bareApp(t);
    await app.inject('/hello/ada');
    const plain = await app.inject('/metrics');
    assert.match(String(plain.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const open = await app.inject({ url: '/metrics', headers: { accept: OPENMETRICS } });
    assert.match(String(open.headers['content-type']), /^application\/openmetrics-text; version=1\.0\.0/);
    assert.ok(open.body.endsWith('# EOF\n'));
    assert.equal(sumOf(parseExposition(open.body), COUNT), 1);
  });

  test('metricsPath moves the endpoint; buckets and runtimeMetrics are options', async (t) => {
    const { app } = await bareApp(t, { metricsPath: '/internal/metrics', buckets: [0.5, 2], runtimeMetrics: false });
    await app.inject('/hello/ada');
    assert.equal((await app.inject('/metrics')).statusCode, 404);
    const got = await samples(app, '/internal/metrics');
    const bounds = got
      .filter((s) => s.name === `${REQUEST_DURATION}_bucket` && s.labels.http_route === '/hello/{name}')
      .map((s) => s.labels.le);
    assert.deepEqual(bounds, ['0.5', '2', '+Inf']);
    assert.ok(!got.some((s) => s.name.startsWith('process_') || s.name.startsWith('nodejs_')));
    // The 404 for /metrics was traffic; the scrape at the moved path was not.
    assert.equal(sumOf(got, COUNT), 2);
  });

  test('metricsPath false serves nothing; the decorator renders, with the app’s own metrics', async (t) => {
    const { app } = await bareApp(t, { metricsPath: false });
    const jobs = new Counter({ name: 'jobs_done_total', help: 'Jobs done.', registers: [] });
    app.telemetry.register(jobs);
    jobs.inc(3);
    await app.inject('/hello/ada');
    assert.equal((await app.inject('/metrics')).statusCode, 404);
    // Prometheus text again after OpenMetrics: the counter still has its `_total`.
    for (const accept of [undefined, OPENMETRICS, undefined]) {
      const { body } = await app.telemetry.render(accept);
      const got = parseExposition(body);
      assert.equal(sumOf(got, 'jobs_done_total'), 3, `counter keeps _total (${accept ?? 'text'})`);
      assert.match(body, accept === undefined ? /^# TYPE jobs_done_total counter$/m : /^# TYPE jobs_done counter$/m);
      assert.equal(sumOf(got, COUNT), 2, 'the hello and the 404 for /metrics');
    }
  });
});
