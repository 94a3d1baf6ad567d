import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKS, parseDotEnv } from '../../../scripts/health.ts';

test('.env parsing: values, quotes, comments and blanks', () => {
  assert.deepEqual(parseDotEnv('# ports\nBACKEND_PORT=18080\n\nGRAFANA_PORT = "13000"\nNAME=\'a b\'\nnot a line\n'), {
    BACKEND_PORT: '18080',
    GRAFANA_PORT: '13000',
    NAME: 'a b',
  });
});

test('every port variable checked is one .env.example documents', async () => {
  const { readFile } = await import('node:fs/promises');
  const documented = parseDotEnv(await readFile(new URL('../../../.env.example', import.meta.url), 'utf8'));
  for (const { portVariable, defaultPort } of CHECKS) {
    assert.equal(documented[portVariable], String(defaultPort), portVariable);
  }
});
