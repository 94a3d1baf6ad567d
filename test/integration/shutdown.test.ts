import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACTIVE_REQUESTS } from 'fastify-http-telemetry';
import { freePort } from '../../support/free-port.ts';
import { pollUntil } from '../../support/poll.ts';
import { parseExposition, sumOf } from '../helpers/exposition.ts';
import { exchange, parseResponse } from '../helpers/raw-http.ts';
import { INSTRUMENTATION, ServerExitedError, startServer } from '../helpers/server-process.ts';

/** Beyond a bound, what starting to exit may take on a busy machine: writing the last lines, process exit. */
const EXIT_SLACK_MS = 2000;
/** Far longer than a start-up that stops at its configuration takes. */
const START_LIMIT_MS = 10_000;

async function activeRequests(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`);
  return sumOf(parseExposition(await res.text()), ACTIVE_REQUESTS);
}

function sendSleeping(url: string, count: number, seconds: number) {
  return Array.from({ length: count }, () =>
    fetch(`${url}/status/200?seconds_sleep=${seconds}`).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (error: unknown) => ({ status: 0, body: String(error) }),
    ),
  );
}

describe('server.ts', () => {
  test('SIGTERM with 40 requests mid-sleep: all complete, then exit 0', async (t) => {
    const server = await startServer(t);
    const responses = sendSleeping(server.url, 40, 1);
    await pollUntil(
      () => activeRequests(server.url),
      (n) => n === 40,
      { what: '40 requests in flight' },
    );

    server.child.kill('SIGTERM');
    const results = await Promise.all(responses);
    assert.deepEqual(
      results.map((r) => r.status),
      Array(40).fill(200),
    );
    assert.deepEqual(await server.exited, { code: 0, signal: null });

    const messages = server.logs.map((line) => line.msg);
    assert.ok(messages.includes('shutting down: draining in-flight requests'));
    assert.equal(messages.at(-1), 'shut down cleanly', 'the last line was flushed before exit');
    assert.equal(messages.filter((msg) => msg === 'request completed').length, 40);
  });

  test('DRAIN_DELAY_SECONDS: after SIGTERM readiness says 503 while fresh connections are still served', async (t) => {
    const server = await startServer(t, { DRAIN_DELAY_SECONDS: '5' });
    const port = Number(new URL(server.url).port);
    server.child.kill('SIGTERM');
    await pollUntil(() => server.logs.some((line) => line.msg.startsWith('draining')), Boolean, {
      what: 'the drain delay to begin',
    });
    // Each exchange opens a new connection: the listener still accepts.
    const ready = parseResponse(await exchange(port, 'GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n'));
    assert.equal(ready.status, 503);
    const root = parseResponse(await exchange(port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    assert.equal(root.status, 200);
    assert.equal(root.headers.connection, 'close', 'clients reconnect, through the load balancer, elsewhere');
    assert.ok(!server.logs.some((line) => line.msg.startsWith('shutting down')), 'still within the delay');

    assert.deepEqual(await server.exited, { code: 0, signal: null });
    const messages = server.logs.map((line) => line.msg);
    assert.ok(messages.indexOf('shutting down: draining in-flight requests') > messages.indexOf('request completed'));
    assert.equal(messages.at(-1), 'shut down cleanly');
  });

  test('a second signal exits at once, without waiting for sleeping requests', async (t) => {
    const server = await startServer(t);
    const responses = sendSleeping(server.url, 3, 30);
    await pollUntil(
      () => activeRequests(server.url),
      (n) => n === 3,
      { what: '3 requests in flight' },
    );

    server.child.kill('SIGTERM');
    await pollUntil(() => server.logs.some((line) => line.msg.startsWith('shutting down')), Boolean, {
      what: 'the first signal to be handled',
    });
    server.child.kill('SIGINT');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
    for (const result of await Promise.all(responses)) assert.equal(result.status, 0, 'no answer: the process is gone');
    assert.ok(server.logs.some((line) => line.msg === 'second signal, exiting now'));
  });

  test('the grace period ending exits with requests still in flight', async (t) => {
    const server = await startServer(t, { SHUTDOWN_GRACE_SECONDS: '0.2' });
    const responses = sendSleeping(server.url, 2, 30);
    await pollUntil(
      () => activeRequests(server.url),
      (n) => n === 2,
      { what: '2 requests in flight' },
    );

    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
    for (const result of await Promise.all(responses)) assert.equal(result.status, 0);
    assert.ok(server.logs.some((line) => line.msg === 'grace period over, exiting with requests still in flight'));
  });

  // A closed port on loopback stands in for a collector that is down.
  const collectorDown = [
    {
      what: 'a grace period shorter than the exporter retries',
      env: { SHUTDOWN_GRACE_SECONDS: '1' },
      boundMs: 1000,
      msg: 'grace period over before the last spans were exported, exiting',
    },
    {
      what: 'the exporter giving up within the grace period',
      env: { SHUTDOWN_GRACE_SECONDS: '30', OTEL_EXPORTER_OTLP_TIMEOUT: '1500' },
      boundMs: 1500,
      msg: 'the last spans could not be exported, exiting',
    },
  ];
  for (const { what, env, boundMs, msg } of collectorDown) {
    test(`SIGTERM with the collector down, ${what}: exit 1 within ${boundMs} ms, the last line says why`, async (t) => {
      const server = await startServer(
        t,
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
          // Held until shutdown: only the shutdown flush can try to send it.
          OTEL_BSP_SCHEDULE_DELAY: '60000',
          ...env,
        },
        { nodeArgs: ['--import', INSTRUMENTATION] },
      );
      assert.equal((await fetch(`${server.url}/status/200`)).status, 200);
      await pollUntil(() => server.logs.find((line) => line.msg === 'request completed'), Boolean, {
        what: 'the access line',
      });
      const start = performance.now();
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 1, signal: null });
      const took = performance.now() - start;
      assert.ok(took < boundMs + EXIT_SLACK_MS, `exited ${Math.round(took)} ms after SIGTERM`);
      const last = server.logs.at(-1);
      assert.deepEqual([last?.level, last?.msg], ['error', msg]);
      assert.equal(server.logs.filter((line) => line.msg === 'shut down cleanly').length, 0);
    });
  }

  for (const port of ['eighty', '80.0']) {
    test(`a bad setting (PORT=${port}) stops start-up with one line naming the variable, before listening`, () => {
      const server = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
      // Loopback and a time limit: a server that accepted the value would listen, not exit.
      const run = spawnSync(process.execPath, [server], {
        env: { ...process.env, PORT: port, HOST: '127.0.0.1' },
        encoding: 'utf8',
        timeout: START_LIMIT_MS,
      });
      assert.equal(run.status, 1);
      assert.equal(run.stderr, `Invalid configuration: PORT must be an integer from 0 to 65535 (got "${port}")\n`);
      assert.equal(run.stdout, '');
    });
  }

  test('a port already in use is a clear fatal log line and exit 1', async (t) => {
    const first = await startServer(t);
    const port = new URL(first.url).port;
    const second = await startServer(t, { PORT: port }).then(
      () => assert.fail('the second server should not listen'),
      (error: unknown) => error,
    );
    assert.ok(second instanceof ServerExitedError);
    assert.equal(second.code, 1);
    const fatal = second.logs.find((line) => line.level === 'fatal');
    assert.equal(fatal?.msg, 'could not start listening');
    assert.match(JSON.stringify(fatal), /EADDRINUSE/);
  });
});
