import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { run, scratchDir } from '../../helpers/processes.ts';
import { repoPath } from '../../helpers/repo.ts';
import { requireTool } from '../../helpers/require-tool.ts';

/** What the pre-commit hook needs from the repository; node_modules is linked, not copied. */
const HOOK_FILES = [
  '.husky/pre-commit',
  '.husky/lib/node-path.sh',
  '.lintstagedrc.json',
  'biome.json',
  'tsconfig.json',
  'package.json',
  'scripts/check-syntax.ts',
  'scripts/install-hooks.ts',
];

/** A scratch git repository with this project's hooks installed the way `npm install` does. */
async function repoWithHooks(t: TestContext, git: string) {
  const dir = scratchDir(t, 'pre-commit-');
  for (const file of HOOK_FILES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(repoPath(file), join(dir, file));
  }
  symlinkSync(repoPath('node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/ok.ts'), 'export const ok = 1;\n');
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  // The child sees this Node first on PATH, and none of the variables that skip hooks.
  const env = ['-u', 'CI', '-u', 'HUSKY', `PATH=${dirname(process.execPath)}:${process.env.PATH}`];
  const inRepo = (args: string[]) => run('env', [...env, git, '-C', dir, ...args]);
  for (const args of [
    ['init', '--quiet'],
    ['config', 'user.email', 'hooks@test'],
    ['config', 'user.name', 'hooks test'],
  ]) {
    assert.equal((await inRepo(args)).code, 0);
  }
  const install = await run('env', [...env, process.execPath, 'scripts/install-hooks.ts'], dir);
  assert.match(install.output, /git hooks installed/);
  await inRepo(['add', '.']);
  assert.equal((await inRepo(['commit', '--quiet', '--no-verify', '-m', 'start'])).code, 0);

  /** Writes the files, stages them and commits with the hooks on. */
  async function commit(files: Record<string, string>) {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    await inRepo(['add', ...Object.keys(files)]);
    return inRepo(['commit', '-m', 'change']);
  }
  return { dir, commit, inRepo };
}

test('pre-commit: broken YAML or JSON and type errors are refused; code is formatted before it is committed', async (t) => {
  const git = requireTool(t, 'git', 'apt-get install git');
  if (git === undefined) return;
  const { dir, commit, inRepo } = await repoWithHooks(t, git);

  for (const { files, refusedFor } of [
    { files: { 'broken.yaml': 'services:\n  a: [1, 2\n' }, refusedFor: /broken\.yaml:\d+:\d+/ },
    { files: { 'broken.json': '{"a": 1,\n' }, refusedFor: /broken\.json/ },
    { files: { 'src/wrong.ts': "export const port: number = 'eighty';\n" }, refusedFor: /error TS2322/ },
  ]) {
    const result = await commit(files);
    assert.notEqual(result.code, 0, `${Object.keys(files)} should be refused:\n${result.output}`);
    assert.match(result.output, refusedFor);
    await inRepo(['reset', '--quiet', '--hard']);
  }

  const result = await commit({ 'src/ugly.ts': 'export const  greeting = "hello"\n', 'good.yaml': 'a: 1\n' });
  assert.equal(result.code, 0, result.output);
  const committed = await inRepo(['show', 'HEAD:src/ugly.ts']);
  assert.equal(committed.output, "export const greeting = 'hello';\n", 'Biome formatted the staged file');
  assert.equal(readFileSync(join(dir, 'src/ugly.ts'), 'utf8'), "export const greeting = 'hello';\n");
});
