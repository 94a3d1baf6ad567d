import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { request } from 'undici';
import { pollUntil } from '../../../../support/poll.ts';
import type { LogLine } from '../../../helpers/app.ts';
import { parseExposition, sumOf } from '../../../helpers/exposition.ts';
import { node22 } from '../../../helpers/node22.ts';
import { startOtlpReceiver } from '../../../helpers/otlp-receiver.ts';
import {
  createApp,
  PACKAGE_NAME,
  packPackage,
  pinned,
  type RunningApp,
  readmeExample,
  readmeInstalls,
  startApp,
} from '../../../helpers/packed-package.ts';
import { run } from '../../../helpers/processes.ts';
import { repoPath } from '../../../helpers/repo.ts';

/**
 * The package as users get it: packed, installed from its tarball into fresh apps in a temporary
 * folder outside the repository, each app the README's own code block, run as a process (no
 * `--conditions=source`) and spoken to over real HTTP.
 */

interface ExampleApp {
  dir: string;
  /** The README block's filename, written as the app's entry. */
  entry: string;
  /** Packages a user of this kind of app installs beside the README's. */
  extra: string[];
}

const APPS = {
  ESM: { dir: 'esm', entry: 'app.mjs', extra: [] },
  CommonJS: { dir: 'commonjs', entry: 'app.js', extra: [] },
  TypeScript: { dir: 'typescript', entry: 'app.mts', extra: ['typescript', '@types/node'] },
} as const satisfies Record<string, ExampleApp>;
type AppName = keyof typeof APPS;

/** Every credential the logger must keep out of a line, as a client sends them. */
const SECRETS = {
  authorization: 'Bearer secret-token-1',
  cookie: 'session=secret-cookie-2',
  'x-api-key': 'secret-key-3',
} as const;
/** The README's failing route's error. */
const THROWN = 'payment service unavailable';
/** What Prometheus sends when it scrapes. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
const REQUEST_COUNT = 'http_server_request_duration_seconds_count';
/** Short, so spans leave soon after the requests. */
const QUICK_BATCH_MS = '50';
const SPAN_KIND_SERVER = 2;
/** How long a failing case may wait for a log line that should come with the access line. */
const LATE_LINE_MS = 2_000;

let root = '';
const appDir = (name: AppName) => join(root, APPS[name].dir);

async function call(app: RunningApp, path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(`${app.url}${path}`, options);
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** The access line of the request to `path`: the one line with its status code. */
function accessLine(app: RunningApp, path: string): LogLine | undefined {
  return app.logs.find((line) => line.url_path === path && 'http_response_status_code' in line);
}

interface Exercised {
  users: LogLine;
  checkout: LogLine;
  /** The lines that mention the thrown error's message. */
  thrown: LogLine[];
}

/**
 * What every example app must do, each property a subtest: a route by its template, a 404, a thrown
 * error, redaction, the user's counter after an OpenMetrics scrape.
 */
async function exercise(t: TestContext, app: RunningApp): Promise<Exercised> {
  assert.deepEqual(await call(app, '/users/42').then(({ status, body }) => ({ status, body })), {
    status: 200,
    body: JSON.stringify({ id: '42' }),
  });
  assert.equal((await call(app, '/no/such/page')).status, 404);
  const order = await call(app, '/orders', {
    method: 'POST',
    headers: { ...SECRETS, 'content-type': 'application/json', 'x-tenant': 'acme' },
    body: JSON.stringify({ item: 'book' }),
  });
  assert.equal(order.status, 200, order.body);
  assert.equal((await call(app, '/checkout')).status, 500);

  const paths = ['/users/42', '/no/such/page', '/orders', '/checkout'];
  const [users, unmatched, orders, checkout] = await pollUntil(
    () => paths.map((path) => accessLine(app, path)),
    (lines) => lines.every(Boolean),
    { what: 'an access line for every request' },
  );
  assert.ok(users && unmatched && orders && checkout);
  const mentioningError = () => app.logs.filter((line) => JSON.stringify(line).includes(THROWN));
  const thrown = await pollUntil(mentioningError, (lines) => lines.length > 0, {
    what: 'the thrown error in the log',
    deadlineMs: LATE_LINE_MS,
  }).catch(mentioningError);

  // OpenMetrics first, as Prometheus scrapes, then Prometheus text.
  const openMetrics = await call(app, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
  const text = await call(app, '/metrics');

  await t.test('/metrics in both formats: requests by route template, the 404 under unmatched', () => {
    assert.equal(openMetrics.status, 200);
    assert.match(String(openMetrics.headers['content-type']), /^application\/openmetrics-text/);
    assert.ok(openMetrics.body.endsWith('# EOF\n'));
    assert.equal(text.status, 200);
    assert.match(String(text.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const body of [openMetrics.body, text.body]) {
      const samples = parseExposition(body);
      for (const [method, route, status] of [
        ['GET', '/users/{id}', '200'],
        ['GET', 'unmatched', '404'],
        ['POST', '/orders', '200'],
        ['GET', '/checkout', '500'],
      ] as const) {
        const labels = { http_request_method: method, http_route: route, http_response_status_code: status };
        assert.equal(sumOf(samples, REQUEST_COUNT, labels), 1, `${method} ${route} ${status} counted once`);
      }
      assert.equal(sumOf(samples, REQUEST_COUNT, { http_route: '/metrics' }), 0, '/metrics is not traffic');
    }
    assert.partialDeepStrictEqual(unmatched, {
      level: 'warn',
      http_route: 'unmatched',
      http_response_status_code: 404,
    });
    assert.deepEqual(app.unparsed, [], 'every stdout line is JSON');
    assert.doesNotMatch(app.stderr(), /DeprecationWarning|FSTDEP/);
  });

  await t.test("the user's counter keeps its _total after an OpenMetrics scrape", () => {
    assert.equal(sumOf(parseExposition(openMetrics.body), 'orders_total'), 1);
    assert.match(text.body, /^# TYPE orders_total counter$/m);
    assert.equal(sumOf(parseExposition(text.body), 'orders_total'), 1);
  });

  await t.test('a thrown error: one line at error, with its message and stack, naming its request', () => {
    assert.equal(thrown.length, 1, `one line logs the error:\n${app.stdout()}`);
    const [line] = thrown;
    assert.ok(line);
    assert.equal(line.level, 'error');
    assert.equal(line.reqId, checkout.reqId, 'the error line names its request');
    const stack = (line.err as { stack?: unknown } | undefined)?.stack;
    assert.ok(typeof stack === 'string', `the error line has err.stack: ${JSON.stringify(line)}`);
    assert.match(stack, new RegExp(`^Error: ${THROWN}\\n\\s+at `));
    assert.partialDeepStrictEqual(checkout, {
      level: 'error',
      http_route: '/checkout',
      http_response_status_code: 500,
    });
  });

  await t.test('credentials never reach the log; the rest of the request does', () => {
    for (const secret of Object.values(SECRETS)) {
      assert.equal(app.stdout().includes(secret), false, `${secret} is not logged`);
      assert.equal(app.stderr().includes(secret), false, `${secret} is not logged`);
    }
    const received = app.logs.find((line) => line.msg === 'order received');
    assert.ok(received, 'the handler logged the order');
    assert.equal(received.reqId, orders.reqId);
    assert.partialDeepStrictEqual(received, {
      req: { method: 'POST', url: '/orders' },
      headers: { 'x-tenant': 'acme', 'content-type': 'application/json' },
    });
  });
  return { users, checkout, thrown };
}

/** Runs the README's example `name` with `node` from its fresh app, then exercises it. */
async function runExample(t: TestContext, name: AppName, node: string | undefined): Promise<void> {
  if (node === undefined) return;
  const app = await startApp(t, { node, cwd: appDir(name), args: [APPS[name].entry] });
  await exercise(t, app);
}

describe(`${PACKAGE_NAME}, packed and used from fresh apps outside the repository`, () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), `${PACKAGE_NAME}-packed-`));
    const { tarball } = await packPackage(root);
    const installs = readmeInstalls().map((name) => (name === PACKAGE_NAME ? tarball : pinned(name)));
    // The installs share npm's cache, and it is safe for concurrent use.
    await Promise.all(
      Object.entries(APPS).map(async ([name, { entry, extra }]) => {
        const dir = appDir(name as AppName);
        mkdirSync(dir);
        await createApp(dir, [...installs, ...extra.map(pinned)]);
        writeFileSync(join(dir, entry), readmeExample(entry));
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the apps are outside the repository, and the TypeScript one is type-checked with tsc --init’s defaults', async () => {
    assert.equal(root.startsWith(repoPath('')), false);
    const dir = appDir('TypeScript');
    const tsc = join(dir, 'node_modules/.bin/tsc');
    const init = await run(tsc, ['--init'], dir);
    assert.equal(init.code, 0, init.output);
    // The defaults emit JavaScript beside the source: the app builds with a plain `tsc` too.
    const check = await run(tsc, [], dir);
    assert.equal(check.code, 0, check.output);
    assert.ok(existsSync(join(dir, 'app.mjs')), 'tsc built app.mjs');
  });

  for (const name of Object.keys(APPS) as AppName[]) {
    test(`the ${name} example on Node ${process.versions.node}: metrics, a 404, a thrown error, redaction, the user's counter`, (t) =>
      runExample(t, name, process.execPath));
    test(`the ${name} example on Node 22, the oldest line the package supports`, (t) => runExample(t, name, node22(t)));
  }

  test('the ESM example traced (--import fastify-http-telemetry/instrumentation): spans arrive, log lines carry the trace', async (t) => {
    const receiver = await startOtlpReceiver(t);
    const app = await startApp(t, {
      node: process.execPath,
      cwd: appDir('ESM'),
      args: ['--import', `${PACKAGE_NAME}/instrumentation`, APPS.ESM.entry],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: QUICK_BATCH_MS,
        OTEL_SERVICE_NAME: 'packed-example',
      },
    });
    const { users, checkout, thrown } = await exercise(t, app);
    assert.match(String(users.trace_id), /^[0-9a-f]{32}$/, 'the access line carries trace_id');

    const spans = await pollUntil(
      () => receiver.spans().filter((span) => span.traceId === users.trace_id),
      (found) => found.some((span) => span.parentSpanId === undefined) && found.length >= 2,
      { what: 'the request’s spans at the receiver' },
    );
    const server = spans.find((span) => span.parentSpanId === undefined);
    assert.partialDeepStrictEqual(server, {
      name: 'GET /users/{id}',
      kind: SPAN_KIND_SERVER,
      spanId: users.span_id,
      resource: { 'service.name': 'packed-example' },
    });
    await t.test('the error line joins its request’s trace', () => {
      assert.match(String(thrown[0]?.trace_id), /^[0-9a-f]{32}$/);
      assert.equal(thrown[0]?.trace_id, checkout.trace_id);
    });
    await t.test('spans name the route or the handler, never the telemetry plugin', () => {
      for (const { name } of spans) assert.doesNotMatch(name, /telemetry/);
      const children = spans.filter((span) => span.parentSpanId !== undefined).map((span) => span.name);
      assert.ok(
        children.some((name) => name.includes('/users/{id}')),
        `a span under the server span names the route: ${children}`,
      );
    });
  });
});
