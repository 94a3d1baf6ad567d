import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { pollUntil } from '../../../support/poll.ts';
import { startRun } from '../../../traffic/runner.ts';
import type { StreamPlan } from '../../../traffic/scenarios.ts';

/** A small node:http server on a free loopback port that records what reaches it. */
async function serve(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const paths: string[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    paths,
    connections: () => connections,
    open: () => sockets.size,
  };
}

const counted = (path: string, concurrency: number, requests: number, expect = 200): StreamPlan => ({
  path,
  route: path,
  expect,
  load: { kind: 'counted', concurrency, requests },
});

const ok = (_req: IncomingMessage, res: ServerResponse) => res.end('{"ok":true}');

describe('the runner over real HTTP', () => {
  test('a counted stream is `ab -k`: C keep-alive connections carry all N requests', async (t) => {
    const server = await serve(t, ok);
    const run = startRun(server.url, [counted('/a', 3, 60)]);
    await run.done;
    const [stats] = run.streams;
    assert.deepEqual([stats?.sent, stats?.errors, stats?.statuses.get(200)], [60, 0, 60]);
    assert.equal(server.paths.length, 60);
    assert.equal(server.connections(), 3, 'one connection per concurrent request, reused');
    await pollUntil(server.open, (open) => open === 0, { what: 'the pool to close its connections at the end' });
  });

  test('streams run at once, each on its own connections, under the URL path prefix', async (t) => {
    const server = await serve(t, ok);
    const run = startRun(new URL('/prefix/', server.url), [counted('/a', 2, 10), counted('/b?x=1', 1, 5)]);
    await run.done;
    assert.deepEqual(
      run.streams.map((s) => s.sent),
      [10, 5],
    );
    assert.deepEqual(new Set(server.paths), new Set(['/prefix/a', '/prefix/b?x=1']));
    assert.equal(server.connections(), 3);
  });

  test('a server that closes each connection after answering: every request still answered', async (t) => {
    const server = await serve(t, (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const run = startRun(server.url, [counted('/', 2, 20)]);
    await run.done;
    assert.deepEqual([run.streams[0]?.sent, run.streams[0]?.errors], [20, 0]);
    assert.equal(server.connections(), 20);
  });

  test('answers other than the one asked for are errors; requests cut off are failures, by reason', async (t) => {
    const server = await serve(t, (req, res) => {
      if (req.url === '/reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    const run = startRun(server.url, [counted('/moved', 2, 6), counted('/reset', 1, 3)]);
    await run.done;
    const [moved, reset] = run.streams;
    assert.deepEqual([moved?.sent, moved?.unexpected, moved?.failed, moved?.errors], [6, 6, 0, 6]);
    assert.deepEqual(moved?.statuses, new Map([[302, 6]]));
    assert.deepEqual([reset?.sent, reset?.failed, reset?.errors, reset?.latency.count], [3, 3, 3, 0]);
    assert.equal([...(reset?.failures.keys() ?? [])].length, 1, 'one reason for one kind of failure');
  });

  test('stop(): requests in flight are abandoned (aborted, not errors) and their connections closed', async (t) => {
    // Never answers: like a long sleep on the service.
    const server = await serve(t, () => {});
    const run = startRun(server.url, [counted('/hang', 4, 100)]);
    await pollUntil(
      () => server.paths.length,
      (n) => n === 4,
      { what: 'four requests in flight' },
    );
    run.stop();
    await run.done;
    const [stats] = run.streams;
    assert.equal(run.stopped, true);
    assert.deepEqual([stats?.sent, stats?.errors, stats?.aborted, stats?.inFlight], [0, 0, 4, 0]);
    await pollUntil(server.open, (open) => open === 0, { what: 'the server to see every connection closed' });
  });

  test('a paced stream sends rate × duration requests, whatever their latency', async (t) => {
    const server = await serve(t, (_req, res) => setTimeout(() => res.end('late'), 50));
    const plan: StreamPlan = {
      path: '/p',
      route: '/p',
      expect: 200,
      load: { kind: 'paced', rate: 40, durationSeconds: 0.5 },
    };
    const run = startRun(server.url, [plan]);
    await run.done;
    assert.deepEqual([run.streams[0]?.planned, run.streams[0]?.sent, run.streams[0]?.errors], [20, 20, 0]);
  });
});
