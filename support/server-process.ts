import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { pollUntil } from './poll.ts';

const READY_DEADLINE_MS = 30_000;
const READY_INTERVAL_MS = 50;
const STOP_DEADLINE_MS = 10_000;
/** Output kept for the error message when a process fails: its tail is what explains it. */
const OUTPUT_KEPT = 16 * 1024;

interface ServerProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Stdout to /dev/null: a server under load logs more than is worth keeping. */
  discardStdout?: boolean;
}

export interface ServerProcess {
  child: ChildProcess;
  /** The tail of what it wrote: stderr, and stdout unless discarded. */
  output(): string;
  /** SIGTERM (SIGKILL after a deadline); resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a long-running server and resolves once `readyUrl` answers 2xx; stops it if it never does. */
export async function startServerProcess(
  command: string,
  args: string[],
  readyUrl: string,
  { env, cwd, discardStdout = false }: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', discardStdout ? 'ignore' : 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || spawnError !== undefined) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    await pollUntil(
      async () => {
        if (spawnError !== undefined) throw spawnError;
        if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${output}`);
        return fetch(readyUrl).then(
          (response) => response.ok,
          () => false,
        );
      },
      Boolean,
      { what: `${command} to answer ${readyUrl}`, deadlineMs: READY_DEADLINE_MS, intervalMs: READY_INTERVAL_MS },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, output: () => output, stop };
}
