import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { findExecutable } from '../../support/find-executable.ts';
import { repoPath } from '../helpers/repo.ts';

const ESC = '\u001b';

test('make help, piped, lists every target as plain text', (t) => {
  const make = findExecutable('make');
  if (make === undefined) return t.skip('make is not on PATH');
  // spawnSync pipes stdout, as `make help | cat` does.
  const result = spawnSync(make, ['--no-print-directory', 'help'], { cwd: repoPath(''), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.includes(ESC), false, 'no escape sequence when stdout is not a terminal');
  const targets = result.stdout.split('\n').map((line) => line.trim().split(/\s+/)[0]);
  for (const target of [
    'help',
    'helm',
    'test',
    'test-unit',
    'test-integration',
    'test-stack',
    'test-deploy',
    'up',
    'load',
    'bench',
  ]) {
    assert.ok(targets.includes(target), `lists ${target}`);
  }
});
