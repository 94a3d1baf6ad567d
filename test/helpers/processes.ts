import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { pollUntil } from './poll.ts';

/** A free loopback port: bound, noted, released (Prometheus and Alertmanager cannot report port 0). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A scratch directory removed after the test. */
export function scratchDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts a long-running tool, kills it after the test, and waits until `readyUrl` answers 200. */
export async function startProcess(
  t: TestContext,
  command: string,
  args: string[],
  readyUrl: string,
): Promise<RunningProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited early:\n${output}`);
      return fetch(readyUrl).then(
        (res) => res.ok,
        () => false,
      );
    },
    Boolean,
    { what: `${command} to be ready`, deadlineMs: 30_000 },
  );
  return { child, output: () => output };
}

/** Runs a command to completion and returns its exit code and combined output. */
export async function run(command: string, args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code: code ?? -1, output };
}
