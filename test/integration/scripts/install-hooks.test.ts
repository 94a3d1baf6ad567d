import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, scratchDir } from '../../helpers/processes.ts';
import { repoPath } from '../../helpers/repo.ts';

const SCRIPT = repoPath('scripts/install-hooks.ts');

/** Runs the script in `cwd` without the variables that would make it skip (CI sets CI=true). */
function runScriptIn(cwd: string) {
  return run('env', ['-u', 'CI', '-u', 'NODE_ENV', '-u', 'HUSKY', process.execPath, SCRIPT], cwd);
}

// In a git work tree, test/integration/scripts/pre-commit.test.ts installs the hooks and runs them.
describe('install-hooks', () => {
  test('outside a git work tree it succeeds without installing anything', async (t) => {
    const dir = scratchDir(t, 'hooks-nogit-');
    const result = await runScriptIn(dir);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /hooks not installed: \.git can't be found/);
  });
});
