import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { BODY_LIMIT_BYTES } from '../../../src/server-limits.ts';
import { pollUntil } from '../../../support/poll.ts';
import { listenTestApp } from '../../helpers/app.ts';
import { exchange, parseResponse, pushBody, rawConnection } from '../../helpers/raw-http.ts';

/** What a hostile client pushes at most: far more than the server may read of it. */
const PUSH_CAP_BYTES = 32 * 1024 * 1024;
/**
 * The most the server may have read of a connection it refused: the request's head and whatever
 * body was already in the socket's buffers when the answer went out (about 100 KiB here).
 */
const READ_BOUND_BYTES = 1024 * 1024;

/** The server's side of each connection, by the client's port, to read its `bytesRead`. */
function serverSockets(server: Server): Map<number, Socket> {
  const sockets = new Map<number, Socket>();
  server.on('connection', (socket: Socket) => sockets.set(socket.remotePort as number, socket));
  return sockets;
}

describe('a body the service will not read is refused without reading it', () => {
  // Keep-alive throughout: none of these says Connection: close.
  const OCTETS = 'application/octet-stream';
  const cases: Array<{ what: string; line: string; type: string; chunked: boolean; status: number }> = [
    { what: 'POST, unknown path, unparsed type', line: 'POST /nowhere', type: OCTETS, chunked: false, status: 413 },
    { what: 'PUT, unknown path, unparsed type', line: 'PUT /nowhere', type: OCTETS, chunked: true, status: 413 },
    { what: 'POST to a GET route, JSON', line: 'POST /', type: 'application/json', chunked: false, status: 413 },
    { what: 'DELETE to a route, text', line: 'DELETE /status/200', type: 'text/plain', chunked: true, status: 413 },
    { what: 'PROPFIND, a method no route has', line: 'PROPFIND /', type: OCTETS, chunked: false, status: 413 },
    { what: 'OPTIONS', line: 'OPTIONS /', type: OCTETS, chunked: true, status: 413 },
    { what: 'GET', line: 'GET /', type: 'text/plain', chunked: true, status: 413 },
    { what: 'HEAD', line: 'HEAD /', type: OCTETS, chunked: false, status: 413 },
    { what: 'a URL that cannot be decoded', line: 'POST /%zz', type: OCTETS, chunked: false, status: 400 },
    { what: 'a URL that cannot be decoded', line: 'PATCH /%zz', type: 'application/json', chunked: true, status: 400 },
  ];
  for (const { what, line, type, chunked, status } of cases) {
    const framing = chunked ? 'transfer-encoding: chunked' : `content-length: ${PUSH_CAP_BYTES * 4}`;
    test(`${what}, ${type}, ${framing}: ${status}, connection closed, under ${READ_BOUND_BYTES} bytes read`, async (t) => {
      const { app, port, url } = await listenTestApp(t);
      const sockets = serverSockets(app.server);
      const head = `${line} HTTP/1.1\r\nhost: x\r\ncontent-type: ${type}\r\n${framing}\r\n\r\n`;
      const pushed = await pushBody(port, head, { chunked, capBytes: PUSH_CAP_BYTES });
      const read = sockets.get(pushed.localPort)?.bytesRead ?? Number.NaN;
      assert.ok(pushed.closedByServer, `the server kept reading: ${pushed.sent} bytes pushed, ${read} read`);
      assert.ok(read < READ_BOUND_BYTES, `the server read ${read} bytes`);
      const res = parseResponse(pushed.received);
      assert.equal(res.status, status, pushed.received.slice(0, 200));
      assert.equal(res.headers.connection, 'close');
      if (!line.startsWith('HEAD')) assert.equal(JSON.parse(res.body).status, status);
      assert.equal((await fetch(`${url}/`)).status, 200, 'the server keeps serving');
    });
  }

  // `Expect: 100-continue`: the interim answer invites the body, so only a body within the limit gets it.
  const continueCases: Array<[string, string, string]> = [
    ['a body over the limit', `content-length: ${PUSH_CAP_BYTES}`, 'HTTP/1.1 413 '],
    ['a chunked body', 'transfer-encoding: chunked', 'HTTP/1.1 413 '],
    ['a body within the limit', `content-length: ${BODY_LIMIT_BYTES}`, 'HTTP/1.1 100 Continue\r\n'],
  ];
  for (const [what, framing, first] of continueCases) {
    test(`Expect: 100-continue with ${what}: the first answer is ${first.trim()}`, async (t) => {
      const { port } = await listenTestApp(t);
      const connection = await rawConnection(port);
      t.after(() => connection.socket.destroy());
      connection.socket.write(`POST /nowhere HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\n${framing}\r\n\r\n`);
      const received = await pollUntil(connection.received, (data) => data.includes('\r\n'), {
        what: 'the first answer',
      });
      assert.ok(received.startsWith(first), received.slice(0, 120));
    });
  }

  test('a declared body within the limit is not refused for its size, and the connection is kept', async (t) => {
    const { port } = await listenTestApp(t);
    const body = 'x'.repeat(BODY_LIMIT_BYTES);
    const request = (path: string) =>
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const raw = await exchange(
      port,
      `${request('/a')}${request('/b')}GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
    );
    assert.deepEqual(
      [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]),
      ['404', '404', '200'],
    );
  });
});

describe('RFC 9112 §3.2: one valid Host, required from HTTP/1.1 on', () => {
  const cases: Array<{ what: string; version?: string; hosts: string[]; status: number }> = [
    { what: 'two Host lines, the same', hosts: ['x', 'x'], status: 400 },
    { what: 'two Host lines, different', hosts: ['x', 'evil.example'], status: 400 },
    { what: 'a space', hosts: ['exa mple'], status: 400 },
    { what: 'a path', hosts: ['example/admin'], status: 400 },
    { what: 'user info', hosts: ['user@example'], status: 400 },
    { what: 'two ports', hosts: ['example:80:80'], status: 400 },
    { what: 'a port that is not a number', hosts: ['example:http'], status: 400 },
    { what: 'an unclosed IP literal', hosts: ['[::1'], status: 400 },
    { what: 'a bad percent-encoding', hosts: ['ex%zzample'], status: 400 },
    { what: 'markup', hosts: ['<script>'], status: 400 },
    { what: 'HTTP/2.0 in the request line, no Host', version: '2.0', hosts: [], status: 400 },
    { what: 'HTTP/1.1, no Host', hosts: [], status: 400 },
    { what: 'HTTP/1.0, no Host', version: '1.0', hosts: [], status: 200 },
    { what: 'a name and port', hosts: ['localhost:8080'], status: 200 },
    { what: 'an IPv4 address', hosts: ['127.0.0.1'], status: 200 },
    { what: 'an IPv6 literal and port', hosts: ['[::1]:8080'], status: 200 },
    { what: 'a punycode name', hosts: ['xn--bcher-kva.example'], status: 200 },
    { what: 'an empty Host (RFC 9112 §3.2 allows it)', hosts: [''], status: 200 },
  ];
  for (const { what, version = '1.1', hosts, status } of cases) {
    test(`${what} (${JSON.stringify(hosts)}, HTTP/${version}): ${status}`, async (t) => {
      const { port } = await listenTestApp(t);
      const fields = hosts.map((host) => `host: ${host}\r\n`).join('');
      const res = parseResponse(await exchange(port, `GET / HTTP/${version}\r\n${fields}connection: close\r\n\r\n`));
      assert.equal(res.status, status);
      if (status === 200) return;
      assert.equal(res.headers['content-type'], 'application/problem+json');
      const [error] = JSON.parse(res.body).errors;
      assert.deepEqual([error.in, error.name], ['header', 'host']);
    });
  }
});
