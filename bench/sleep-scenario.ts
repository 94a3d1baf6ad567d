import { fileURLToPath } from 'node:url';
import { type Contender, startContender } from './contenders.ts';
import { LOAD_CORE, pinned } from './cores.ts';
import type { Progress } from './load-rounds.ts';
import type { BenchOptions } from './options.ts';
import { sleepPath } from './scenarios.ts';
import { runToCompletion } from './server-process.ts';
import type { RunningSink } from './sink-process.ts';

const CLIENT = fileURLToPath(new URL('./sleep-client.ts', import.meta.url));
/** How long past its sleep a request may take (queued connects included) before it counts as an error. */
const GRACE_MS = 30_000;
const MS_PER_SECOND = 1000;

export interface SleepResult {
  contender: string;
  requests: number;
  /** Answers with status 200. */
  ok: number;
  /** Everything else: other statuses, connection errors, timeouts, by kind. */
  errors: number;
  errorKinds: Record<string, number>;
  /** Opening and accepting every connection, before any request was sent. */
  connectMs: number;
  /** From the first request written to the last answer. */
  wallMs: number;
  p50Ms: number;
  maxMs: number;
  idleRssBytes: number;
  /** The process's high-water mark of resident memory (`VmHWM`), reached while the wave was held. */
  peakRssBytes: number;
}

interface ClientReport {
  requests: number;
  connected: number;
  answered: number;
  connectMs: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  wallMs: number;
  p50Ms: number;
  maxMs: number;
}

/** A fresh process per contender; one wave of concurrent sleeping requests from a client on the load core. */
export async function runSleepScenario(
  contenders: Contender[],
  options: BenchOptions,
  sink: RunningSink | undefined,
  progress: Progress,
): Promise<SleepResult[]> {
  const results: SleepResult[] = [];
  for (const contender of contenders) {
    const server = await startContender(contender, sink);
    try {
      const idleRssBytes = server.memory().rssBytes;
      const { command, args } = pinned(LOAD_CORE, process.execPath, [
        CLIENT,
        `--url=${server.url}${sleepPath(options.sleepSeconds)}`,
        `--requests=${options.sleepRequests}`,
        `--timeout-ms=${options.sleepSeconds * MS_PER_SECOND + GRACE_MS}`,
      ]);
      const report = JSON.parse(await runToCompletion(command, args)) as ClientReport;
      const ok = report.statuses['200'] ?? 0;
      const errorKinds: Record<string, number> = { ...report.errors };
      for (const [status, count] of Object.entries(report.statuses)) {
        if (status !== '200') errorKinds[`status ${status}`] = count;
      }
      const result: SleepResult = {
        contender: contender.id,
        requests: report.requests,
        ok,
        errors: report.requests - ok,
        errorKinds,
        connectMs: report.connectMs,
        wallMs: report.wallMs,
        p50Ms: report.p50Ms,
        maxMs: report.maxMs,
        idleRssBytes,
        peakRssBytes: server.memory().peakRssBytes,
      };
      results.push(result);
      progress(
        `sleep  ${contender.id.padEnd(16)} ${ok}/${report.requests} ok in ${(report.wallMs / MS_PER_SECOND).toFixed(1)} s ` +
          `(connecting took ${(report.connectMs / MS_PER_SECOND).toFixed(1)} s), ` +
          `peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
      );
    } finally {
      await server.stop();
    }
  }
  return results;
}
