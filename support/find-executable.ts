import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

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
