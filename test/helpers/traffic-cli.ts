import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { repoPath } from './repo.ts';

/** The traffic generator's entry, run as `npm run traffic` runs it. */
export const TRAFFIC_CLI = repoPath('traffic/cli.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<CliResult>;
}

/** Starts the traffic CLI with `args` (stdout and stderr pipes, so no TTY); killed after the test if still running. */
export function startCli(t: TestContext, args: string[]): CliProcess {
  const child = spawn(process.execPath, [TRAFFIC_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal, stdout, stderr }) as CliResult);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export function runCli(t: TestContext, args: string[]): Promise<CliResult> {
  return startCli(t, args).exited;
}
