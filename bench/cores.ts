import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { findExecutable } from '../support/find-executable.ts';

/**
 * Load and server on separate cores: the server on the last core; wrk, and this process (which
 * hosts the OTLP sink), on the first. Unpinned, and said so in the report, without `taskset` or
 * with a single core.
 */
export const LOAD_CORE = 0;
export const SERVER_CORE = availableParallelism() - 1;

const taskset = findExecutable('taskset');
export const PINNING = taskset !== undefined && SERVER_CORE > LOAD_CORE;

/** The command line that runs `command` on `core`. */
export function pinned(core: number, command: string, args: string[]): { command: string; args: string[] } {
  if (!PINNING || taskset === undefined) return { command, args };
  return { command: taskset, args: ['--cpu-list', String(core), command, ...args] };
}

/** Moves this process (every thread) to the load core, away from the servers it measures. */
export function pinSelf(): void {
  if (PINNING && taskset !== undefined) {
    spawnSync(taskset, ['--all-tasks', '--pid', '--cpu-list', String(LOAD_CORE), String(process.pid)], {
      stdio: 'ignore',
    });
  }
}
