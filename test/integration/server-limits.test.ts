import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_HEADERS, SECURITY_HEADERS } from '../../src/plugins/security-headers.ts';
import { BODY_LIMIT_BYTES, MAX_HEADER_BYTES } from '../../src/server-limits.ts';
import { pollUntil } from '../../support/poll.ts';
import { listenTestApp } from '../helpers/app.ts';
import { exchange, parseResponse, rawConnection } from '../helpers/raw-http.ts';

const MS_PER_SECOND = 1000;
/** A `Date` header is the time of the answer: a minute covers any clock step a test could see. */
const DATE_SLACK_MS = 60_000;

/** The security headers (content policy included) as an ordinary answer, a 404, carries them. */
async function ordinaryHeaders(port: number): Promise<Record<string, string | undefined>> {
  const { headers } = parseResponse(
    await exchange(port, 'GET /nowhere HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
  );
  return Object.fromEntries(Object.keys(API_HEADERS).map((name) => [name, headers[name]]));
}

/** The answer carries the same security headers as an ordinary one, and a current `Date`. */
function assertLikeEveryAnswer(res: ReturnType<typeof parseResponse>, ordinary: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(ordinary)) {
    assert.ok(value, `an ordinary answer has ${name}`);
    assert.equal(res.headers[name], value, name);
  }
  const date = Date.parse(res.headers.date ?? '');
  assert.ok(Math.abs(date - Date.now()) < DATE_SLACK_MS, `date: ${res.headers.date}`);
}

describe('server limits', () => {
  test('a header block over the limit gets a 431 problem, and the server keeps serving', async (t) => {
    const { port, url, logs } = await listenTestApp(t);
    const oversized = 'a'.repeat(MAX_HEADER_BYTES + 1);
    const res = parseResponse(await exchange(port, `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${oversized}\r\n\r\n`));
    assert.equal(res.status, 431);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[name], value, name);
    assert.deepEqual(JSON.parse(res.body), {
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: `The request headers exceed ${MAX_HEADER_BYTES} bytes`,
    });
    const line = logs.find((l) => l.msg === 'request rejected by the HTTP parser');
    assert.equal(line?.level, 'warn');
    assert.equal((await fetch(`${url}/`)).status, 200);
  });

  test('bytes that are not HTTP get a 400 problem, and the server keeps serving', async (t) => {
    const { port, url } = await listenTestApp(t);
    const res = parseResponse(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).detail, 'The request could not be parsed as HTTP');
    assert.equal((await fetch(`${url}/`)).status, 200);
  });

  const parserRefusals = [
    { what: 'bytes that are not HTTP', request: 'NOT HTTP AT ALL\r\n\r\n', status: 400 },
    {
      what: 'a control character in a header',
      request: 'GET / HTTP/1.1\r\nhost: x\r\nx-bad: a\x01b\r\n\r\n',
      status: 400,
    },
    {
      what: 'a header block over the limit',
      request: `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(MAX_HEADER_BYTES + 1)}\r\n\r\n`,
      status: 431,
    },
  ];
  for (const { what, request, status } of parserRefusals) {
    test(`refused by Node's parser, ${what}: ${status} with the security headers and a Date, like every answer`, async (t) => {
      const { port } = await listenTestApp(t);
      const ordinary = await ordinaryHeaders(port);
      const res = parseResponse(await exchange(port, request));
      assert.equal(res.status, status);
      assertLikeEveryAnswer(res, ordinary);
    });
  }

  test('a body over the limit gets a 413 problem; one under it is not refused for its size', async (t) => {
    const { url } = await listenTestApp(t);
    for (const { size, status } of [
      { size: BODY_LIMIT_BYTES + 1, status: 413 },
      { size: BODY_LIMIT_BYTES, status: 404 },
    ]) {
      const res = await fetch(`${url}/`, {
        method: 'POST',
        body: 'x'.repeat(size),
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(res.status, status, `${size} bytes`);
      assert.match(String(res.headers.get('content-type')), /^application\/problem\+json/);
      assert.equal((await res.json()).status, status);
    }
    assert.equal((await fetch(`${url}/`)).status, 200);
  });

  test('no timeout ends the longest allowed sleep', async (t) => {
    const maxSleepSeconds = 1;
    const { app, url } = await listenTestApp(t, { MAX_SLEEP_SECONDS: maxSleepSeconds });
    // No idle-socket timeout at all: nothing moves on the socket while a request sleeps.
    assert.equal(app.server.timeout, 0, 'socket timeout');
    // Idle connections still close between requests, after the 72 s docs/service.md states.
    assert.equal(app.server.keepAliveTimeout, 72 * MS_PER_SECOND);
    assert.ok(
      app.server.requestTimeout > maxSleepSeconds * MS_PER_SECOND,
      `request timeout ${app.server.requestTimeout}`,
    );
    assert.ok(app.server.headersTimeout > 0 && app.server.headersTimeout <= app.server.requestTimeout);
    const res = await fetch(`${url}/status/200?seconds_sleep=${maxSleepSeconds}`);
    assert.equal(res.status, 200);
  });
});

describe('timeouts fire within a second or two of what docs/service.md states', { concurrency: true }, () => {
  /** "Within a second or two": Node sweeps for late requests every second; the rest is slack for a busy machine. */
  const LATE_BY_AT_MOST_MS = 2000;
  const TRICKLE_MS = 500;
  const maxSleepSeconds = 1;
  const cases = [
    {
      what: 'headers that trickle in (one line every 500 ms, never the blank line): 408 after 10 s',
      timeoutMs: 10 * MS_PER_SECOND,
      head: 'GET / HTTP/1.1\r\nhost: x\r\n',
      trickle: true,
    },
    {
      what: `a body that never completes: 408 after the longest sleep (${maxSleepSeconds} s) plus 10 s`,
      timeoutMs: (maxSleepSeconds + 10) * MS_PER_SECOND,
      head: 'POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nhalf',
      trickle: false,
    },
  ];
  for (const { what, timeoutMs, head, trickle } of cases) {
    test(what, async (t) => {
      const { port, logs } = await listenTestApp(t, { MAX_SLEEP_SECONDS: maxSleepSeconds });
      const ordinary = await ordinaryHeaders(port);
      const connection = await rawConnection(port);
      const start = performance.now();
      connection.socket.write(head);
      let refused: number | undefined;
      void connection.closed
        .catch(() => undefined)
        .then(() => {
          refused = performance.now() - start;
        });
      let slowHeaders = 0;
      const trickling = setInterval(
        () => trickle && connection.socket.write(`x-slow-${slowHeaders++}: 1\r\n`),
        TRICKLE_MS,
      );
      try {
        await pollUntil(
          () => refused,
          (ms) => ms !== undefined,
          {
            deadlineMs: timeoutMs + LATE_BY_AT_MOST_MS,
            what: '408 and the connection closed',
          },
        );
      } finally {
        // The app's close waits for this connection: end it even when the server did not.
        clearInterval(trickling);
        connection.socket.destroy();
      }
      const elapsed = refused as number;
      const received = connection.received();
      const answer = parseResponse(received.slice(received.indexOf('HTTP/1.1 408 ')));
      assert.equal(answer.status, 408, received);
      assertLikeEveryAnswer(answer, ordinary);
      // Node keeps the bytes of an unfinished request to itself: the line says why, and labels only what is known.
      const line = await pollUntil(() => logs.find((l) => l.http_response_status_code === 408), Boolean, {
        what: 'the 408 line',
      });
      assert.deepEqual(
        [line?.msg, line?.http_request_method, line?.url_path, line?.error_type],
        ['request rejected by the HTTP parser', '_OTHER', undefined, 'ERR_HTTP_REQUEST_TIMEOUT'],
      );
      assert.ok(elapsed >= timeoutMs, `refused after ${Math.round(elapsed)} ms, before the ${timeoutMs} ms stated`);
      assert.ok(elapsed <= timeoutMs + LATE_BY_AT_MOST_MS, `refused after ${Math.round(elapsed)} ms`);
    });
  }
});
