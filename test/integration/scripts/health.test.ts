import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '../../../scripts/health.ts';
import { freePort } from '../../../support/free-port.ts';
import { run } from '../../helpers/processes.ts';
import { startServer } from '../../helpers/server-process.ts';

const SCRIPT = fileURLToPath(new URL('../../../scripts/health.ts', import.meta.url));

test('make health: a table of every service, exit 1 when any is down', async (t) => {
  const backend = await startServer(t);
  const down = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const { portVariable } of CHECKS) env[portVariable] = String(down);
  env.BACKEND_PORT = new URL(backend.url).port;

  const { code, stdout, stderr } = await run(process.execPath, [SCRIPT], import.meta.dirname, env);

  assert.equal(code, 1);
  const rows = stdout.trim().split('\n').slice(1);
  assert.equal(rows.length, CHECKS.length);
  assert.match(rows[0] ?? '', /^backend\s+http:\/\/127\.0\.0\.1:\d+\/readyz\s+ready$/);
  for (const row of rows.slice(1)) assert.match(row, /ECONNREFUSED$/);
  assert.match(stderr, new RegExp(`${CHECKS.length - 1} of ${CHECKS.length} not ready`));
});
