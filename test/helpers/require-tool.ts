import type { TestContext } from 'node:test';
import { findExecutable } from '../../support/find-executable.ts';

/**
 * A tier that needs a system binary: locally it is skipped with what to install;
 * with CI=true a missing binary fails the test instead of hiding it.
 */
export function requireTool(t: TestContext, command: string, install: string): string | undefined {
  const found = findExecutable(command);
  if (found !== undefined) return found;
  const message = `${command} not found: ${install}`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return undefined;
}
