import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { installHooks, skipReason } from '../../../scripts/install-hooks.ts';
import { run, scratchDir } from '../../helpers/processes.ts';
import { readRepoFile, repoPath } from '../../helpers/repo.ts';
import { requireTool } from '../../helpers/require-tool.ts';

const SCRIPT = repoPath('scripts/install-hooks.ts');
const packageJson = JSON.parse(readRepoFile('package.json')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lintStaged = JSON.parse(readRepoFile('.lintstagedrc.json')) as Record<string, string>;

/** Runs the script in `cwd` without the variables that would make it skip (CI sets CI=true). */
function runScriptIn(cwd: string) {
  return run('env', ['-u', 'CI', '-u', 'NODE_ENV', '-u', 'HUSKY', process.execPath, SCRIPT], cwd);
}

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

  test('npm install runs it (prepare), and make dev runs it', () => {
    assert.equal(packageJson.scripts.prepare, 'node scripts/install-hooks.ts');
    assert.match(readRepoFile('Makefile'), /^dev: .*\bhooks\b/m);
    assert.match(readRepoFile('Makefile'), /^hooks:.*\n\tnode scripts\/install-hooks\.ts$/m);
  });

  test('outside a git work tree it succeeds without installing anything', async (t) => {
    const dir = scratchDir(t, 'hooks-nogit-');
    const result = await runScriptIn(dir);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /hooks not installed: \.git can't be found/);
  });

  test('in a git work tree it points git at .husky/', async (t) => {
    const git = requireTool(t, 'git', 'apt-get install git');
    if (git === undefined) return;
    const dir = scratchDir(t, 'hooks-git-');
    assert.equal((await run(git, ['init', '--quiet', dir])).code, 0);
    const result = await runScriptIn(dir);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /git hooks installed/);
    const hooksPath = await run(git, ['-C', dir, 'config', '--get', 'core.hooksPath']);
    assert.equal(hooksPath.output.trim(), '.husky/_');
    assert.ok(existsSync(`${dir}/.husky/_/pre-commit`));
  });
});

describe('the hooks and their configuration', () => {
  test('pre-commit runs lint-staged, then the type check when TypeScript changed; pre-push the unit tests', () => {
    const preCommit = readRepoFile('.husky/pre-commit');
    assert.match(preCommit, /^lint-staged$/m);
    assert.match(preCommit, /^\s+tsc --noEmit$/m);
    assert.match(readRepoFile('.husky/pre-push'), /^npm run --silent test:unit$/m);
    assert.ok(packageJson.scripts['test:unit']);
  });

  test('every command the hooks and lint-staged run is installed', () => {
    const commands = ['lint-staged', 'tsc', ...Object.values(lintStaged).map((command) => command.split(' ')[0])];
    for (const command of commands) {
      if (command === 'node') continue;
      assert.ok(existsSync(repoPath(`node_modules/.bin/${command}`)), `${command} in node_modules/.bin`);
    }
    for (const dependency of ['husky', 'lint-staged', '@biomejs/biome', 'typescript', 'yaml']) {
      assert.ok(packageJson.devDependencies[dependency], `${dependency} is a dev dependency`);
    }
    assert.ok(existsSync(repoPath('scripts/check-syntax.ts')));
  });

  test('lint-staged formats code with Biome and checks the syntax of YAML and JSON', () => {
    const globs = Object.keys(lintStaged);
    assert.ok(globs.some((glob) => glob.includes('ts') && /^biome check --write /.test(lintStaged[glob] ?? '')));
    for (const extension of ['json', 'yml', 'yaml']) {
      const glob = globs.find(
        (candidate) => candidate.includes(extension) && lintStaged[candidate]?.includes('check-syntax'),
      );
      assert.ok(glob, `.${extension} files are syntax-checked`);
    }
  });
});
