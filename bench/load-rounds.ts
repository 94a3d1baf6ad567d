import { type Contender, startContender } from './contenders.ts';
import type { LoadSample, RssSample } from './load-summary.ts';
import type { BenchOptions } from './options.ts';
import { LOAD_SCENARIOS } from './scenarios.ts';
import type { RunningSink } from './sink-process.ts';
import { runWrk } from './wrk.ts';
import { unexpectedStatuses } from './wrk-output.ts';

/** Spans the sink received from one tracing process, against the requests it served. */
export interface TracingSample {
  contender: string;
  round: number;
  requests: number;
  spans: number;
}

export interface LoadResults {
  samples: LoadSample[];
  rss: RssSample[];
  tracing: TracingSample[];
}

const US_PER_SECOND = 1_000_000;

export type Progress = (line: string) => void;

/** The contenders in round `round`'s order: each round starts one further along, so none always goes first. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * Interleaved rounds: each round starts every contender in turn, one process at a time,
 * warms it on each route, measures each route, notes its RSS, and stops it.
 */
export async function runLoadRounds(
  contenders: Contender[],
  options: BenchOptions,
  sink: RunningSink | undefined,
  progress: Progress,
): Promise<LoadResults> {
  const results: LoadResults = { samples: [], rss: [], tracing: [] };
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const contender of roundOrder(contenders, round - 1)) {
      const spansBefore = contender.tracing === true ? ((await sink?.totals())?.spans ?? 0) : 0;
      const server = await startContender(contender, sink);
      let served = 0;
      try {
        for (const scenario of LOAD_SCENARIOS) {
          const url = `${server.url}${scenario.path}`;
          const connections = options.connections;
          served += (await runWrk({ url, connections, durationSeconds: options.warmupSeconds })).requests;
          const cpuBefore = server.cpuSeconds();
          const result = await runWrk({ url, connections, durationSeconds: options.durationSeconds });
          const cpuUsPerRequest = ((server.cpuSeconds() - cpuBefore) * US_PER_SECOND) / Math.max(1, result.requests);
          served += result.requests;
          results.samples.push({
            contender: contender.id,
            scenario: scenario.id,
            round,
            requestsPerSecond: result.requestsPerSecond,
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            cpuUsPerRequest,
            errors: result.socketErrors + unexpectedStatuses(result, scenario.status),
          });
          progress(
            `round ${round}/${options.rounds}  ${contender.id.padEnd(16)} ${scenario.id.padEnd(12)} ` +
              `${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  ` +
              `p99 ${result.p99Ms.toFixed(2)} ms  ${cpuUsPerRequest.toFixed(1)} CPU µs/req`,
          );
        }
        results.rss.push({ contender: contender.id, round, rssBytes: server.memory().rssBytes });
      } finally {
        await server.stop();
      }
      if (contender.tracing === true && sink !== undefined) {
        // Stopping flushed the last batch: everything this process exported has arrived.
        const spans = (await sink.totals()).spans - spansBefore;
        results.tracing.push({ contender: contender.id, round, requests: served, spans });
      }
    }
  }
  return results;
}
