import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { installHooks, skipReason } from '../../../scripts/install-hooks.ts';

describe('install-hooks', () => {
  for (const { env, skipped } of [
    { env: {}, skipped: false },
    { env: { CI: 'true' }, skipped: true },
    { env: { CI: 'false' }, skipped: false },
    { env: { NODE_ENV: 'production' }, skipped: true },
    { env: { NODE_ENV: 'development' }, skipped: false },
  ]) {
    test(`${JSON.stringify(env)}: ${skipped ? 'skipped' : 'installs'}`, () => {
      assert.equal(skipReason(env) !== undefined, skipped);
    });
  }

  test('in CI it installs nothing and says why', async () => {
    assert.match(await installHooks({ CI: 'true' }), /^hooks not installed: CI=true/);
  });
});
