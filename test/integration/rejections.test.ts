import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REQUEST_DURATION, UNMATCHED_ROUTE } from 'fastify-http-telemetry';
import { SECURITY_HEADERS } from '../../src/plugins/security-headers.ts';
import { BODY_LIMIT_BYTES, MAX_HEADER_BYTES } from '../../src/server-limits.ts';
import { pollUntil } from '../../support/poll.ts';
import { listenTestApp } from '../helpers/app.ts';
import { parseExposition, sumOf } from '../helpers/exposition.ts';
import { exchange, parseResponse, rawConnection } from '../helpers/raw-http.ts';

/** Requests refused before routing, or at the edge of what HTTP allows, over real sockets. */

const COUNT = `${REQUEST_DURATION}_count`;

async function count(url: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/metrics`);
  return sumOf(parseExposition(await res.text()), COUNT, labels);
}

describe('requests refused before routing are counted and logged like any other', () => {
  const cases: Array<{ what: string; request: string; status: number; method: string; path?: string; why: string }> = [
    {
      what: 'an undecodable URL',
      request: 'GET /%zz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
      status: 400,
      method: 'GET',
      path: '/%zz',
      why: 'FST_ERR_BAD_URL',
    },
    {
      what: 'a bad request line',
      request: 'NOT HTTP AT ALL\r\n\r\n',
      status: 400,
      method: '_OTHER',
      why: 'HPE_INVALID_METHOD',
    },
    {
      what: 'a bad header',
      request: 'DELETE http://evil.example/gone HTTP/1.1\r\nhost: x\r\nx-bad: a\x01b\r\n\r\n',
      status: 400,
      method: 'DELETE',
      path: '/gone',
      why: 'HPE_INVALID_HEADER_TOKEN',
    },
    {
      what: 'a header block over the limit',
      request: `GET /big HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(MAX_HEADER_BYTES + 1)}\r\n\r\n`,
      status: 431,
      method: 'GET',
      path: '/big',
      why: 'HPE_HEADER_OVERFLOW',
    },
  ];
  for (const { what, request, status, method, path, why } of cases) {
    test(`${what}: ${status}, one more ${COUNT} under the unmatched route, one access line`, async (t) => {
      const { port, url, logs } = await listenTestApp(t);
      const before = await count(url);
      const res = parseResponse(await exchange(port, `${request}`));
      assert.equal(res.status, status);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(await count(url), before + 1);
      const labels = {
        http_route: UNMATCHED_ROUTE,
        http_request_method: method,
        http_response_status_code: `${status}`,
      };
      assert.equal(await count(url, labels), 1);
      const line = await pollUntil(() => logs.find((l) => l.msg.startsWith('request rejected')), Boolean, {
        what: 'the access line',
      });
      assert.equal(line?.level, 'warn');
      assert.equal(line?.http_route, UNMATCHED_ROUTE);
      assert.equal(line?.http_request_method, method);
      assert.equal(line?.http_response_status_code, status);
      assert.equal(line?.url_path, path);
      assert.equal(typeof line?.duration_ms, 'number');
      assert.equal(line?.error_type, why, 'the line says why');
      assert.equal(typeof line?.reason, 'string');
    });
  }
});

describe('a refused request is labelled from its own bytes only, never from the request before it', () => {
  const GOOD = 'GET /status/201 HTTP/1.1\r\nhost: x\r\n\r\n';
  const cases = [
    { what: 'garbage after a kept-alive request, in the same packet', first: `${GOOD}GARBAGE\r\n\r\n` },
    {
      what: 'a bad GET after a kept-alive request, in the same packet',
      first: `${GOOD}GET /secret HTTP/1.1\r\nx-bad: a\x01b\r\n\r\n`,
    },
    { what: 'garbage in a later packet of a kept-alive connection', first: GOOD, later: 'GARBAGE\r\n\r\n' },
  ];
  for (const { what, first, later } of cases) {
    test(`${what}: 201, then 400 counted and logged as _OTHER with no path`, async (t) => {
      const { port, url, logs } = await listenTestApp(t);
      const connection = await rawConnection(port);
      connection.socket.write(first);
      if (later !== undefined) {
        await pollUntil(connection.received, (text) => text.includes('HTTP/1.1 201 '), { what: 'the first answer' });
        connection.socket.write(later);
      }
      const raw = await connection.closed;
      assert.deepEqual(
        [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]),
        ['201', '400'],
      );
      const line = await pollUntil(() => logs.find((l) => l.msg === 'request rejected by the HTTP parser'), Boolean, {
        what: 'the rejection line',
      });
      assert.equal(line?.http_request_method, '_OTHER');
      assert.equal(line?.url_path, undefined);
      assert.match(String(line?.error_type), /^HPE_/);
      const rejected = { http_route: UNMATCHED_ROUTE, http_response_status_code: '400' };
      assert.equal(await count(url, { ...rejected, http_request_method: '_OTHER' }), 1);
      assert.equal(await count(url, { ...rejected, http_request_method: 'GET' }), 0);
    });
  }
});

describe('edge cases a probe of the running service found', () => {
  test('bytes after a Connection: close request do not replace its answer', async (t) => {
    const { port, url, logs } = await listenTestApp(t);
    const raw = await exchange(port, 'GET /status/201 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\nGARBAGE\r\n\r\n');
    const res = parseResponse(raw);
    assert.equal(res.status, 201);
    assert.equal(raw.match(/HTTP\/1\.1 /g)?.length, 1, 'one answer, nothing written over or after it');
    const line = await pollUntil(() => logs.find((l) => l.url_path === '/status/201'), Boolean, { what: 'its line' });
    assert.equal(line?.http_response_status_code, 201, 'logged as answered, not as 499');
    assert.equal(await count(url, { http_response_status_code: '499' }), 0);
  });

  test('a pipelined bad request behind a slow answer is refused after that answer, in order', async (t) => {
    const { port } = await listenTestApp(t);
    const raw = await exchange(port, 'GET /status/200?seconds_sleep=0.1 HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP\r\n\r\n');
    assert.deepEqual(
      [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]),
      ['200', '400'],
    );
  });

  test('HTTP/1.1 without Host: the same problem+json 400 as any bad request, logged and counted', async (t) => {
    const { port, url, logs } = await listenTestApp(t);
    const res = parseResponse(await exchange(port, 'GET / HTTP/1.1\r\nconnection: close\r\n\r\n'));
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[name], value, name);
    assert.deepEqual(JSON.parse(res.body).errors, [
      { in: 'header', name: 'host', detail: 'host is required in HTTP/1.1' },
    ]);
    const line = await pollUntil(() => logs.find((l) => l.msg === 'request completed'), Boolean, { what: 'its line' });
    assert.equal(line?.http_response_status_code, 400);
    assert.equal(await count(url, { http_response_status_code: '400' }), 1);
    // HTTP/1.0 has no Host requirement.
    assert.equal(parseResponse(await exchange(port, 'GET / HTTP/1.0\r\n\r\n')).status, 200);
  });

  const bodies: Array<{ what: string; headers: string; status: number }> = [
    { what: 'a GET body over the limit', headers: `content-length: ${BODY_LIMIT_BYTES + 1}`, status: 413 },
    { what: 'a chunked GET body', headers: 'transfer-encoding: chunked', status: 413 },
    { what: 'a GET body within the limit', headers: 'content-length: 5', status: 200 },
  ];
  for (const { what, headers, status } of bodies) {
    test(`${what}: ${status}, answered without reading it`, async (t) => {
      const { port, url } = await listenTestApp(t);
      const body = status === 200 ? 'hello' : '';
      const res = parseResponse(
        await exchange(port, `GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${headers}\r\n\r\n${body}`),
      );
      assert.equal(res.status, status);
      if (status !== 200) assert.equal(JSON.parse(res.body).status, status);
      assert.equal((await fetch(`${url}/`)).status, 200, 'the server keeps serving');
    });
  }
});
