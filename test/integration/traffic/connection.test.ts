import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { freePort } from '../../../support/free-port.ts';
import { pollUntil } from '../../../support/poll.ts';
import { AbortedError, Connection, errorKind, type Target } from '../../../traffic/connection.ts';
import { requestBytes, startRun } from '../../../traffic/runner.ts';

/** A real node:http server on a free port that counts the TCP connections it accepts. */
async function server(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const http = createServer(handler);
  let connections = 0;
  http.on('connection', () => {
    connections++;
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  t.after(() => {
    http.closeAllConnections();
    http.close();
  });
  const { port } = http.address() as AddressInfo;
  const target: Target = { host: '127.0.0.1', port };
  return { target, url: new URL(`http://127.0.0.1:${port}/`), connections: () => connections };
}

const TIMEOUT_MS = 10_000;
const GET = (target: Target, path: string) => requestBytes(new URL(`http://${target.host}:${target.port}`), path);

describe('keep-alive connection over real HTTP', () => {
  test('reuses one TCP connection for every request, whatever the framing', async (t) => {
    const { target, connections } = await server(t, (req, res) => {
      const status = Number(req.url?.slice(1));
      if (status === 204) res.writeHead(204).end();
      else if (status === 201) res.writeHead(201).end('sent chunked: node:http picks chunked without a length');
      else res.writeHead(status, { 'content-length': 2 }).end('{}');
    });
    const connection = new Connection(target, TIMEOUT_MS);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      for (const status of [200, 201, 204, 500]) statuses.push(await connection.request(GET(target, `/${status}`)));
    }
    connection.close();
    assert.equal(statuses.length, 120);
    assert.deepEqual(statuses.slice(0, 4), [200, 201, 204, 500]);
    assert.equal(connections(), 1);
  });

  test('reconnects when the server closes after each answer', async (t) => {
    const { target, connections } = await server(t, (_req, res) => {
      res.writeHead(200, { connection: 'close', 'content-length': 2 }).end('ok');
    });
    const connection = new Connection(target, TIMEOUT_MS);
    for (let i = 0; i < 5; i++) assert.equal(await connection.request(GET(target, '/')), 200);
    connection.close();
    assert.equal(connections(), 5);
  });

  test('a refused connection is an error named by its code, and the next request tries again', async () => {
    const target = { host: '127.0.0.1', port: await freePort() };
    const connection = new Connection(target, TIMEOUT_MS);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(connection.request(GET(target, '/')), (error) => errorKind(error) === 'ECONNREFUSED');
    }
  });

  test('a response cut short by the server is an error, not a status', async (t) => {
    const { target } = await server(t, (_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('only part of it');
      setImmediate(() => res.destroy());
    });
    const connection = new Connection(target, TIMEOUT_MS);
    await assert.rejects(connection.request(GET(target, '/')), (error) =>
      ['ECONNRESET', 'ECONNCLOSED'].includes(errorKind(error)),
    );
  });

  test('no answer within the timeout is an error', async (t) => {
    const { target } = await server(t, () => {});
    const connection = new Connection(target, 100);
    await assert.rejects(connection.request(GET(target, '/')), (error) => errorKind(error) === 'TIMEOUT');
  });

  test('close() abandons a request in flight', async (t) => {
    const { target } = await server(t, () => {});
    const connection = new Connection(target, TIMEOUT_MS);
    const pending = connection.request(GET(target, '/'));
    setImmediate(() => connection.close());
    await assert.rejects(pending, AbortedError);
  });
});

describe('runner over real HTTP', () => {
  test('a counted stream sends exactly its requests on `concurrency` connections', async (t) => {
    const { url, connections } = await server(t, (_req, res) => res.writeHead(200, { 'content-length': 0 }).end());
    const run = startRun(url, [{ path: '/', route: '/', load: { kind: 'counted', concurrency: 4, requests: 1001 } }]);
    await run.done;
    const [stats] = run.streams;
    assert.equal(stats?.sent, 1001);
    assert.deepEqual([...(stats?.statuses ?? [])], [[200, 1001]]);
    assert.equal(connections(), 4);
  });

  test('a paced stream sends rate × duration requests, however slow the answers', async (t) => {
    const { url } = await server(t, (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-length': 0 }).end(), 50);
    });
    const run = startRun(url, [{ path: '/', route: '/', load: { kind: 'paced', rate: 100, durationSeconds: 0.25 } }]);
    await run.done;
    assert.equal(run.streams[0]?.sent, 25);
    assert.equal(run.streams[0]?.statuses.get(200), 25);
  });

  test('stop() ends every stream and counts the requests in flight as aborted, not as errors', async (t) => {
    let arrived = 0;
    const { url } = await server(t, () => {
      arrived++;
    });
    const run = startRun(url, [
      { path: '/', route: '/', load: { kind: 'counted', concurrency: 3, requests: 100 } },
      { path: '/', route: '/', load: { kind: 'paced', rate: 1000, durationSeconds: 60 } },
    ]);
    await pollUntil(
      () => arrived,
      (n) => n >= 5,
      { what: 'requests to arrive' },
    );
    run.stop();
    await run.done;
    assert.equal(run.streams[0]?.aborted, 3);
    assert.ok((run.streams[1]?.aborted ?? 0) > 0);
    for (const stats of run.streams) assert.equal(stats.errorCount, 0);
  });
});
