import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { ACTIVE_REQUESTS } from 'fastify-http-telemetry';
import { freePort } from '../../../support/free-port.ts';
import { pollUntil } from '../../../support/poll.ts';
import { USAGE } from '../../../traffic/args.ts';
import { countKey, REQUEST_COUNT } from '../../../traffic/prometheus.ts';
import type { Summary } from '../../../traffic/summary.ts';
import { expectedCounts } from '../../../traffic/verify.ts';
import { parseExposition, type Sample } from '../../helpers/exposition.ts';
import { startServer } from '../../helpers/server-process.ts';
import { type CliResult, runCli, startCli } from '../../helpers/traffic-cli.ts';

const STACK_LINE = /^\s+at /m;

async function scrape(service: string): Promise<Sample[]> {
  return parseExposition(await (await fetch(`${service}/metrics`)).text());
}

/** The service's own request counters, as "route status" → count. */
function countsByRouteAndStatus(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { name, labels, value } of samples) {
    if (name !== REQUEST_COUNT || value === 0) continue;
    const key = countKey(String(labels.http_route), String(labels.http_response_status_code));
    counts[key] = (counts[key] ?? 0) + value;
  }
  return counts;
}

/** Not the service: a node:http server that redirects everything, as a proxy's login page might. */
async function redirectingServer(t: TestContext): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(302, { location: '/login' }).end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function summaryOf(result: CliResult): Summary {
  assert.doesNotMatch(result.stderr, STACK_LINE);
  return JSON.parse(result.stdout) as Summary;
}

describe('traffic CLI against the real service', () => {
  test("the Python demo's mix, scaled (--scenario seed): every request accounted for, and equal to the service's own counters", async (t) => {
    const service = await startServer(t);
    const result = await runCli(t, ['--url', service.url, '--scale', '0.01', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = summaryOf(result);

    assert.equal(summary.interrupted, false);
    assert.deepEqual(
      summary.streams.map((s) => [s.path, s.concurrency, s.sent, s.statuses, s.errors, s.aborted]),
      [
        ['/', 5, 200, { 200: 200 }, 0, 0],
        ['/status/400', 5, 20, { 400: 20 }, 0, 0],
        ['/status/409', 5, 30, { 409: 30 }, 0, 0],
        ['/status/500', 5, 50, { 500: 50 }, 0, 0],
        ['/status/200?seconds_sleep=1', 50, 50, { 200: 50 }, 0, 0],
        ['/status/200?seconds_sleep=2', 50, 20, { 200: 20 }, 0, 0],
      ],
    );
    assert.deepEqual(summary.totals.statuses, { 200: 270, 400: 20, 409: 30, 500: 50 });
    assert.equal(summary.totals.sent, 370);
    assert.equal(summary.totals.errors, 0);
    const sleeps = summary.streams.filter((s) => s.path.includes('seconds_sleep'));
    assert.ok(
      sleeps.every((s) => s.latencyMs.p50 >= 1000),
      'sleeping requests took at least their sleep',
    );
    // Each stream reports its own time: the fast ones are not stretched to the 2 s sleeps' end.
    const root = summary.streams[0];
    assert.ok((root?.elapsedSeconds ?? 0) < summary.elapsedSeconds, JSON.stringify(root));

    const expected = Object.fromEntries(expectedCounts(summary));
    // The service counts a request once its answer is written: a moment after the client has it.
    const counted = await pollUntil(
      async () => countsByRouteAndStatus(await scrape(service.url)),
      (counts) => JSON.stringify(counts) === JSON.stringify(expected),
      { what: 'the service to count every request' },
    ).catch(async () => countsByRouteAndStatus(await scrape(service.url)));
    assert.deepEqual(counted, expected);
  });

  test('the table: a row per stream and a total, progress on stderr as plain lines', async (t) => {
    const service = await startServer(t);
    const result = await runCli(t, ['--url', service.url, '--scenario', 'smoke']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^STREAM\s+LOAD\s+SENT\s+ERRORS\s+REQ\/S\s+P50\s+P95\s+P99\s+TIME$/);
    assert.match(lines[7] ?? '', /^total\s+315\s+0\s/);
    assert.ok(lines.includes('Answers by status: 200: 215  400: 20  409: 30  500: 50'), result.stdout);
    assert.ok(!result.stderr.includes('\x1b['), 'no cursor movement when stderr is not a terminal');
    assert.match(result.stderr, /^\/status\/200\?seconds_sleep=2 +\[#{10}\] +5\/5 +\d+ req\/s +2\.\ds {2}done$/m);
  });

  test('pointed at something else: every unexpected answer is an error, reported, exit 1', async (t) => {
    const url = await redirectingServer(t);
    const result = await runCli(t, ['--url', url, '--scenario', 'smoke', '--scale', '0.1']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^total\s+32\s+32\s/m);
    assert.match(result.stdout, /^\/: 20 answered 302, expected 200$/m);
    assert.match(result.stdout, /^\/status\/409: 3 answered 302, expected 409$/m);
    assert.match(
      result.stderr,
      /^traffic: 32 of 32 requests failed or got an answer their stream did not ask for \(is --url the service\?\)$/m,
    );
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} mid-run: stops at once, prints the partial summary, exits ${code}, leaves nothing in flight`, async (t) => {
      const service = await startServer(t);
      const cli = startCli(t, ['--url', service.url, '--json']);
      await pollUntil(
        async () => countsByRouteAndStatus(await scrape(service.url))['/ 200'] ?? 0,
        (answered) => answered >= 500,
        { what: 'the run to be under way' },
      );
      cli.child.kill(signal);
      const result = await cli.exited;

      assert.equal(result.code, code, result.stderr);
      const summary = summaryOf(result);
      assert.equal(summary.interrupted, true);
      assert.ok(summary.totals.sent > 0 && summary.totals.sent < 37_000, String(summary.totals.sent));
      assert.ok(summary.totals.aborted > 0, 'sleeping requests were in flight');
      assert.equal(summary.totals.errors, 0, 'abandoned requests are not errors');
      assert.match(result.stderr, /stopped$/m);
      // Every connection was closed: the service is not left holding sleeping requests.
      await pollUntil(
        async () =>
          (await scrape(service.url)).filter((s) => s.name === ACTIVE_REQUESTS).reduce((sum, s) => sum + s.value, 0),
        (active) => active === 0,
        { what: 'no request left active in the service' },
      );
    });
  }

  test('an unreachable URL: one clear line and exit 1, at once', async (t) => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(t, ['--url', url]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `traffic: cannot reach the service at ${url}: ECONNREFUSED (is the stack up? try "make up")\n`,
    );
  });

  test('--verify with Prometheus unreachable fails before sending anything', async (t) => {
    const service = await startServer(t);
    const prometheus = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(t, ['--url', service.url, '--verify', '--prometheus', prometheus]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^traffic: --verify: cannot query Prometheus at ${prometheus}: ECONNREFUSED$`, 'm'),
    );
    assert.deepEqual(countsByRouteAndStatus(await scrape(service.url)), {});
  });

  const notPrometheus = [
    { what: 'a web page', status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>Login</title>' },
    { what: "another API's JSON", status: 404, type: 'application/json', body: '{"error":"no such route"}' },
    { what: "a proxy's error", status: 502, type: 'text/plain', body: 'Bad Gateway' },
  ];
  for (const { what, status, type, body } of notPrometheus) {
    test(`--verify against ${what}, not Prometheus: one line naming its status and content type`, async (t) => {
      const service = await startServer(t);
      const server = createServer((_req, res) => res.writeHead(status, { 'content-type': type }).end(body));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => server.close());
      const prometheus = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await runCli(t, ['--url', service.url, '--verify', '--prometheus', prometheus]);
      assert.equal(result.code, 1);
      const reason = `${status} ${STATUS_CODES[status]} (${type})`;
      assert.equal(
        result.stderr
          .split('\n')
          .filter((line) => line.startsWith('traffic:'))
          .join('\n'),
        `traffic: --verify: ${prometheus} is not Prometheus's API: /api/v1/query answered ${reason}`,
      );
      assert.doesNotMatch(result.stderr, /Unexpected token|SyntaxError|undefined/);
      assert.deepEqual(countsByRouteAndStatus(await scrape(service.url)), {}, 'nothing was sent');
    });
  }

  test('--help prints the usage on stdout and exits 0', async (t) => {
    const result = await runCli(t, ['--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${USAGE}\n`);
  });

  // Which flags are refused, and how each is worded, is parseOptions' unit test; this is the process's side.
  test('a bad flag: one line, the usage, exit 2, no stack trace', async (t) => {
    const result = await runCli(t, ['--scale', 'lots']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `traffic: --scale must be a number above 0, at most 1000 (got "lots")\n\n${USAGE}\n`);
  });
});
