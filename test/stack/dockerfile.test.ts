import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import packageJson from '../../package.json' with { type: 'json' };
import { repoPath } from '../helpers/repo.ts';

/** The exec-form CMD of the Dockerfile's last stage, as an argument list. */
function imageCommand(): string[] {
  const commands = readFileSync(repoPath('Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('CMD '));
  const last = commands.at(-1);
  assert.ok(last, 'the Dockerfile has a CMD');
  return JSON.parse(last.slice('CMD '.length)) as string[];
}

test('the image starts the service exactly as `npm start` does, tracing entry included', () => {
  const start = packageJson.scripts.start.split(' ');
  assert.deepEqual(imageCommand(), start);
  assert.ok(start.includes('fastify-http-telemetry/instrumentation'), 'without --import compose would never trace');
  assert.ok(
    start.includes('--conditions=source'),
    'the image runs the telemetry package from its sources, as npm start does',
  );
});
