import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenTestApp } from '../helpers/app.ts';

// Over real HTTP, a client that follows the redirect the service answers lands on the root.
for (const status of [301, 302, 303, 307, 308]) {
  test(`fetch follows /status/${status} to the service's root`, async (t) => {
    const { url } = await listenTestApp(t);
    const res = await fetch(`${url}/status/${status}`);
    assert.equal(res.status, 200);
    assert.equal(res.redirected, true);
    assert.equal(res.url, `${url}/`);
    assert.equal(typeof (await res.json()).service, 'string');
  });
}
