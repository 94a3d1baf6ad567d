import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  methodLabel,
  OTHER_METHOD,
  routeTemplate,
  urlPath,
} from '../../../../packages/fastify-http-telemetry/src/http-labels.ts';

test('standard methods keep their name, anything else is _OTHER', () => {
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT']) {
    assert.equal(methodLabel(method), method);
  }
  for (const method of ['PROPFIND', 'get', 'PURGE', 'X'.repeat(100)]) assert.equal(methodLabel(method), OTHER_METHOD);
});

test('route templates use OpenTelemetry braces', () => {
  assert.equal(routeTemplate('/status/:status_code'), '/status/{status_code}');
  assert.equal(routeTemplate('/a/:b/c/:d'), '/a/{b}/c/{d}');
  assert.equal(routeTemplate('/'), '/');
});

test('url_path is the request target without its query string', () => {
  for (const [url, path] of [
    ['/', '/'],
    ['/status/200?seconds_sleep=1', '/status/200'],
    ['/metrics?', '/metrics'],
    ['/a?b?c', '/a'],
    // Absolute-form, as sent to proxies: the path alone, never the client's choice of host.
    ['http://evil.example/status/404', '/status/404'],
    ['HTTPS://user:pw@evil.example:8443/a/b?c=d', '/a/b'],
    ['http://evil.example', '/'],
    ['http://evil.example?q=1', '/'],
    ['http://[::1]:8080/x', '/x'],
    // Asterisk-form and whatever else is not a URL stay as they are.
    ['*', '*'],
  ]) {
    assert.equal(urlPath(url as string), path, url);
  }
});
