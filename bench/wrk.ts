import { fileURLToPath } from 'node:url';
import { LOAD_CORE, pinned } from './cores.ts';
import { runToCompletion } from './server-process.ts';
import { parseWrkOutput, type WrkResult } from './wrk-output.ts';

const REPORT_SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
/** One thread: the load generator gets one core, like the server. */
const THREADS = 1;
/** Longer than any answer in the load scenarios; a request slower than this counts as an error. */
const TIMEOUT = '10s';

export interface WrkRun {
  url: string;
  connections: number;
  durationSeconds: number;
}

/** Runs wrk on the load core and returns its parsed result. */
export async function runWrk({ url, connections, durationSeconds }: WrkRun): Promise<WrkResult> {
  const { command, args } = pinned(LOAD_CORE, 'wrk', [
    `--threads=${THREADS}`,
    `--connections=${connections}`,
    `--duration=${durationSeconds}s`,
    `--timeout=${TIMEOUT}`,
    `--script=${REPORT_SCRIPT}`,
    url,
  ]);
  return parseWrkOutput(await runToCompletion(command, args));
}
