import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LOAD_CORE, pinned } from './cores.ts';

const SUMMARY_SCRIPT = fileURLToPath(new URL('./wrk-summary.lua', import.meta.url));
/** One thread: the load generator gets one core, like the server. */
const THREADS = 1;
/** Longer than any answer under load should take; a slower one counts as a socket error. */
const TIMEOUT = '10s';

/** What `wrk-summary.lua` prints. */
interface WrkSummary {
  requests: number;
  seconds: number;
  /** Connect, read, write and timeout errors. */
  socketErrors: number;
  /** Answers with a status of 400 or more: wrk counts them, it does not fail on them. */
  statusErrors: number;
}

/** Runs wrk on the load core against `url` for `seconds`. */
export async function wrk(url: string, connections: number, seconds: number): Promise<WrkSummary> {
  const { command, args } = pinned(LOAD_CORE, 'wrk', [
    `--threads=${THREADS}`,
    `--connections=${connections}`,
    `--duration=${seconds}s`,
    `--timeout=${TIMEOUT}`,
    `--script=${SUMMARY_SCRIPT}`,
    url,
  ]);
  const { stdout } = await promisify(execFile)(command, args);
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as WrkSummary;
}
