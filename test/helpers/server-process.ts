import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '../../support/poll.ts';
import type { LogLine } from './app.ts';
import { spawnCollected } from './processes.ts';
import { SOURCE_CONDITION } from './repo.ts';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  logs: LogLine[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class ServerExitedError extends Error {
  readonly code: number | null;
  readonly logs: LogLine[];

  constructor(code: number | null, logs: LogLine[], stderr: string) {
    super(`server exited with code ${code} before listening: ${stderr}`);
    this.code = code;
    this.logs = logs;
  }
}

interface StartOptions {
  /** Node options before the script, e.g. `['--import', INSTRUMENTATION]` as `npm start` passes. */
  nodeArgs?: string[];
}

/** The `--import` entry `npm start` loads before the server (tracing, when an OTLP endpoint is set). */
export const INSTRUMENTATION = fileURLToPath(
  new URL('../../packages/fastify-http-telemetry/src/instrumentation.ts', import.meta.url),
);

/**
 * Runs `src/server.ts` on a free port, as `npm start` does when given `nodeArgs: ['--import', INSTRUMENTATION]`,
 * and reads its JSON log lines. An `env` value of `undefined` removes that variable.
 */
export async function startServer(
  t: TestContext,
  env: Record<string, string | undefined> = {},
  { nodeArgs = [] }: StartOptions = {},
): Promise<ServerProcess> {
  const collected = spawnCollected(process.execPath, [SOURCE_CONDITION, ...nodeArgs, SERVER], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const { child, stderr } = collected;
  // Settles after stdout has ended, so every log line has been read by then.
  const exited = collected.exited.then(({ code, signal }) => ({ code, signal }));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const logs: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    logs.push(JSON.parse(line) as LogLine);
  });

  let exit: Awaited<ServerProcess['exited']> | undefined;
  void exited.then((result) => {
    exit = result;
  });
  const url = await pollUntil(
    () => {
      if (exit !== undefined) throw new ServerExitedError(exit.code, logs, stderr());
      const line = logs.find((candidate) => LISTENING.test(candidate.msg));
      return line === undefined ? undefined : LISTENING.exec(line.msg)?.[1];
    },
    (found) => found !== undefined,
    { what: 'the server to listen' },
  );
  return { child, url: url ?? '', logs, stderr, exited };
}
