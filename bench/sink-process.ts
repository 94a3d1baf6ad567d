import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE, pinned } from './cores.ts';

const SINK = fileURLToPath(new URL('./otlp-sink.ts', import.meta.url));

export interface SinkTotals {
  exports: number;
  spans: number;
  bytes: number;
}

export interface RunningSink {
  url: string;
  totals(): Promise<SinkTotals>;
  stop(): Promise<void>;
}

/** Starts the OTLP sink on the load core and waits for the URL it prints. */
export async function startSink(): Promise<RunningSink> {
  const { command, args } = pinned(LOAD_CORE, process.execPath, [SINK]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    totals: async () => (await (await fetch(`${url}/stats`)).json()) as SinkTotals,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
