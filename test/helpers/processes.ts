import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';

/** A scratch directory removed after the test. */
export function scratchDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How a collected process ended, with its output: each stream apart, and both in arrival order. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  output: string;
}

export interface CollectedProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout: () => string;
  stderr: () => string;
  output: () => string;
  /** Settles on 'close', after the pipes have ended, so no output is missed; rejects if the spawn fails. */
  exited: Promise<ProcessResult>;
}

/** Spawns `command` with stdout and stderr piped, and collects what it writes. */
export function spawnCollected(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CollectedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    output += chunk;
  });
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
    output,
  }));
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/** Starts a long-running tool, stops it after the test, and waits until `readyUrl` answers 2xx. */
export async function startProcess(
  t: TestContext,
  command: string,
  args: string[],
  readyUrl: string,
): Promise<ServerProcess> {
  const started = await startServerProcess(command, args, readyUrl);
  t.after(() => started.stop());
  return started;
}

/** Runs a command to completion: its exit code (-1 when killed by a signal) and its output. */
export async function run(
  command: string,
  args: string[],
  cwd?: string,
  env?: NodeJS.ProcessEnv,
): Promise<ProcessResult & { code: number }> {
  const result = await spawnCollected(command, args, { cwd, env }).exited;
  return { ...result, code: result.code ?? -1 };
}
