import type { TestContext } from 'node:test';
import { type CollectedProcess, type ProcessResult, spawnCollected } from './processes.ts';
import { repoPath, SOURCE_CONDITION } from './repo.ts';

/** The traffic generator's entry, run as `npm run traffic` runs it. */
const TRAFFIC_CLI = repoPath('traffic/cli.ts');

export type CliResult = ProcessResult;
type CliProcess = CollectedProcess;

/** Starts the traffic CLI with `args` (stdout and stderr pipes, so no TTY); killed after the test if still running. */
export function startCli(t: TestContext, args: string[]): CliProcess {
  const cli = spawnCollected(process.execPath, [SOURCE_CONDITION, TRAFFIC_CLI, ...args]);
  t.after(() => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  });
  return cli;
}

export function runCli(t: TestContext, args: string[]): Promise<CliResult> {
  return startCli(t, args).exited;
}
