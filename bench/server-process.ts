import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { freePort } from '../support/free-port.ts';
import { pollUntil } from '../support/poll.ts';
import { pinned, SERVER_CORE } from './cores.ts';
import { cpuTicks, statusBytes } from './proc-stat.ts';

/** One contender's process on the server core: started, probed until it answers, measured, stopped. */

const READY_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 10_000;
const STDERR_KEPT = 8 * 1024;

/** Replaced by the chosen port in a command's arguments, for servers that read no PORT variable. */
export const PORT_PLACEHOLDER = '{PORT}';

export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
}

export interface RunningServer {
  url: string;
  pid: number;
  /** Resident memory now, and the most it has been since start (`VmRSS`, `VmHWM`). */
  memory(): { rssBytes: number; peakRssBytes: number };
  /** CPU time the process has used so far, all threads, user and system. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks a second, as /proc counts CPU time (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: statusBytes(status, 'VmRSS'), peakRssBytes: statusBytes(status, 'VmHWM') };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts `server` pinned to the server core with PORT and HOST set; its stdout (access logs) goes to /dev/null. */
export async function startServer(server: ServerCommand, readyPath = '/'): Promise<RunningServer> {
  const port = await freePort();
  const { command, args } = pinned(
    SERVER_CORE,
    server.command,
    server.args.map((arg) => (arg === PORT_PLACEHOLDER ? String(port) : arg)),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const [name, value] of Object.entries(server.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`${server.command} exited with ${child.exitCode}:\n${stderr}`);
        return fetch(`${url}${readyPath}`).then(
          (response) => response.ok,
          () => false,
        );
      },
      Boolean,
      { what: `${server.args.join(' ')} to answer`, deadlineMs: READY_DEADLINE_MS, intervalMs: 50 },
    );
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    memory: () => memory(pid),
    cpuSeconds: () => cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS_PER_SECOND,
    stop: () => stopChild(child),
  };
}

/** Runs a helper process to completion and returns its stdout; throws with its stderr if it fails. */
export async function runToCompletion(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`);
  return stdout;
}
