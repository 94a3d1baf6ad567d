import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodLabel, OTHER_METHOD, routeTemplate } from '../../../src/telemetry/http-labels.ts';

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
