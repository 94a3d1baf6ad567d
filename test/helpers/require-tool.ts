import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

/** The path of `command` on PATH (or as given, if absolute), or undefined. */
export function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

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
