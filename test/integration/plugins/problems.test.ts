import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollUntil } from '../../../support/poll.ts';
import { listenTestApp } from '../../helpers/app.ts';
import { exchange, parseResponse } from '../../helpers/raw-http.ts';

/** One request written byte for byte (clients like fetch would percent-encode the markup). */
const getRequest = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`;

test('markup in the request path never comes back unescaped, and the JSON still says what was sent', async (t) => {
  const { port } = await listenTestApp(t);
  for (const { path, status } of [
    { path: '/<script>alert(1)</script>', status: 404 },
    { path: '/a&b/<img/src=x/onerror=alert(1)>', status: 404 },
    // Rejected before routing: the path cannot be decoded.
    { path: '/status/<b>%zz', status: 400 },
  ]) {
    const { head, body } = parseResponse(await exchange(port, getRequest(path)));
    assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), path);
    assert.match(head, /\r\ncontent-type: application\/problem\+json/i, path);
    assert.match(head, /\r\nx-content-type-options: nosniff/i, path);
    assert.doesNotMatch(body, /[<>&]/, path);
    assert.equal(JSON.parse(body).instance, path);
  }
});

test('an absolute-form target: the access line and the problem carry its path alone, not the host', async (t) => {
  const { port, logs } = await listenTestApp(t);
  for (const { target, status, path } of [
    { target: 'http://evil.example/status/404', status: 404, path: '/status/404' },
    { target: 'HTTP://evil.example:80/nowhere?q=1', status: 404, path: '/nowhere' },
    { target: 'http://user@evil.example/status/503', status: 503, path: '/status/503' },
    // Refused before routing: the path cannot be decoded.
    { target: 'http://evil.example/%zz', status: 400, path: '/%zz' },
  ]) {
    const { head, body } = parseResponse(await exchange(port, getRequest(target)));
    assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), target);
    const problem = JSON.parse(body);
    assert.equal(problem.instance, path, target);
    assert.doesNotMatch(problem.detail, /evil/, target);
    const line = await pollUntil(
      () => logs.find((l) => l.http_response_status_code === status && l.url_path !== undefined),
      Boolean,
      {
        what: `the access line of ${target}`,
      },
    );
    assert.equal(line?.url_path, path, target);
    logs.length = 0;
  }
});
