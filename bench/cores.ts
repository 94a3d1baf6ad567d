import { availableParallelism } from 'node:os';
import { findExecutable } from '../support/find-executable.ts';

/**
 * Load and server on separate cores, as the figures were measured: the server on the
 * last core, wrk, the sleep client and the OTLP sink on the first. Unpinned (with a warning in
 * the report) when `taskset` is missing or there is a single core.
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
