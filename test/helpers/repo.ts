import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The export condition under which the repository runs the telemetry package's TypeScript (npm
 * scripts set it through .npmrc): a process the tests start gets it too, however they were run.
 */
export const SOURCE_CONDITION = '--conditions=source';

/** An absolute path inside the repository. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function readRepoYaml<T = Record<string, unknown>>(relative: string): T {
  return parse(readRepoFile(relative)) as T;
}
