import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import Fastify, { type FastifyHttpOptions, LogController } from 'fastify';
import telemetry, { ACTIVE_REQUESTS, CLIENT_CLOSED_REQUEST, REQUEST_DURATION } from 'fastify-http-telemetry';
import { pino } from 'pino';
import { pollUntil } from '../../../../support/poll.ts';
import { parseExposition, sumOf } from '../../../helpers/exposition.ts';

/**
 * The plugin in a bare Fastify app, over real connections: a request whose client leaves
 * before the answer is counted once as 499 and leaves nothing in flight, whether it was the
 * only request of its connection, one of several (HTTP/1.1 pipelining) or one stream of an
 * HTTP/2 connection that goes on.
 */
type Line = Record<string, unknown>;

const COUNT = `${REQUEST_DURATION}_count`;
const ABANDONED = { http_response_status_code: String(CLIENT_CLOSED_REQUEST) };

async function listen(t: TestContext, { http2 = false } = {}) {
  const lines: Line[] = [];
  const loggerInstance = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const logController = new LogController({ disableRequestLogging: true });
  // Typed as the HTTP/1 server it usually is: nothing below depends on which.
  const app = Fastify({ http2, loggerInstance, logController } as FastifyHttpOptions<Server>);
  await app.register(telemetry, { runtimeMetrics: false });
  // Answers only once the test lets it, so the client can leave first.
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  app.get('/wait', async () => {
    await released;
    return 'late';
  });
  app.get('/now', async () => 'now');
  app.get('/fail-late', async () => {
    await released;
    throw new Error('failed after the client left');
  });
  t.after(async () => {
    release();
    await app.close();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const samples = async () => parseExposition((await app.inject('/metrics')).body);
  const inFlight = (n: number) =>
    pollUntil(samples, (s) => sumOf(s, ACTIVE_REQUESTS) === n, { what: `${n} request(s) in flight` });
  return { port, lines, samples, inFlight, release };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket)).once('error', reject);
  });
}

describe('a client that leaves before the answer', () => {
  test('HTTP/1.1: every unanswered request of the closed connection is 499, the answered one is not', async (t) => {
    const { port, lines, samples, inFlight } = await listen(t);
    const socket = await openSocket(port);
    // Pipelined: the first is answered, and not counted again when the connection closes;
    // the next two wait when the client leaves.
    socket.write(
      'GET /now HTTP/1.1\r\nhost: x\r\n\r\nGET /wait HTTP/1.1\r\nhost: x\r\n\r\nGET /wait HTTP/1.1\r\nhost: x\r\n\r\n',
    );
    await inFlight(2);
    socket.destroy();

    const got = await pollUntil(samples, (s) => sumOf(s, COUNT, ABANDONED) === 2, { what: 'two abandoned requests' });
    assert.equal(sumOf(got, ACTIVE_REQUESTS), 0);
    assert.equal(sumOf(got, COUNT, { http_route: '/now', http_response_status_code: '200' }), 1);
    assert.equal(sumOf(got, COUNT), 3);
    const aborted = lines.filter((line) => line.msg === 'request aborted by client');
    assert.deepEqual(
      aborted.map((line) => [line.http_route, line.http_response_status_code]),
      [
        ['/wait', CLIENT_CLOSED_REQUEST],
        ['/wait', CLIENT_CLOSED_REQUEST],
      ],
    );
  });

  test('an error thrown after the client left is logged alone, after its 499 access line', async (t) => {
    const { port, lines, inFlight, release } = await listen(t);
    const socket = await openSocket(port);
    socket.write('GET /fail-late HTTP/1.1\r\nhost: x\r\n\r\n');
    await inFlight(1);
    socket.destroy();
    await pollUntil(() => lines.some((line) => line.msg === 'request aborted by client'), Boolean, {
      what: 'the 499 access line',
    });
    release();
    const errored = await pollUntil(() => lines.find((line) => line.msg === 'request errored'), Boolean, {
      what: 'the error line',
    });
    assert.ok(errored);
    assert.equal(errored.level, 50, 'at error');
    const err = errored.err as { message: string; stack: string };
    assert.equal(err.message, 'failed after the client left');
    assert.match(err.stack, /\n\s+at /);
    assert.equal(errored.reqId, lines.find((line) => line.msg === 'request aborted by client')?.reqId);
  });

  test('HTTP/2: a cancelled stream is 499 while its connection goes on serving', async (t) => {
    const { port, samples, inFlight } = await listen(t, { http2: true });
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    t.after(() => session.close());
    const waiting = session.request({ ':path': '/wait' });
    waiting.on('error', () => {});
    await inFlight(1);
    waiting.close();

    const got = await pollUntil(samples, (s) => sumOf(s, COUNT, ABANDONED) === 1, { what: 'the cancelled stream' });
    assert.equal(sumOf(got, ACTIVE_REQUESTS), 0);
    const answer = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/now' });
      let body = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      stream.on('end', () => resolve(body)).on('error', reject);
    });
    assert.equal(answer, 'now');
    assert.equal(sumOf(await samples(), COUNT, { http_route: '/now', http_response_status_code: '200' }), 1);
  });
});
