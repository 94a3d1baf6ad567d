import { freePort } from '../support/free-port.ts';
import type { OtlpSink } from '../support/otlp-sink.ts';
import { startServerProcess } from '../support/server-process.ts';
import { type Contender, REPO, SCENARIOS } from './contenders.ts';
import { pinned, SERVER_CORE } from './cores.ts';
import { cpuSeconds } from './cpu-time.ts';
import type { BenchOptions } from './options.ts';
import { checkSpans } from './span-check.ts';
import { wrk } from './wrk.ts';

/** One measured wrk run of one contender on one route in one round. */
export interface Sample {
  contender: string;
  path: string;
  round: number;
  requestsPerSecond: number;
  /** The server process's CPU time over the requests it answered: steadier than req/s on a shared machine. */
  cpuUsPerRequest: number;
  /** Socket errors plus answers with a status other than the route's. */
  errors: number;
}

/** Requests a traced contender answered (warm-ups included) and the spans the sink received from it. */
export interface TracingTotals {
  requests: number;
  spans: number;
}

const US_PER_SECOND = 1_000_000;
const FIRST_ERROR_STATUS = 400;

async function start(contender: Contender, sink: OtlpSink | undefined) {
  const port = await freePort();
  const [command = '', ...args] = contender.argv;
  const env: NodeJS.ProcessEnv = { ...process.env, ...contender.env, PORT: String(port), HOST: '127.0.0.1' };
  if (contender.tracing) env.OTEL_EXPORTER_OTLP_ENDPOINT = sink?.endpoint;
  const core = pinned(SERVER_CORE, command, args);
  const url = `http://127.0.0.1:${port}`;
  const server = await startServerProcess(core.command, core.args, `${url}/`, { env, cwd: REPO, discardStdout: true });
  return { url, pid: server.child.pid as number, stop: server.stop };
}

/**
 * Rounds of every contender in turn (A B C D, A B C D, …), one process at a time, fresh each
 * round: started, warmed and measured on each route, stopped.
 */
export async function runRounds(
  contenders: Contender[],
  options: BenchOptions,
  sink: OtlpSink | undefined,
  progress: (line: string) => void,
): Promise<{ samples: Sample[]; tracing: Map<string, TracingTotals> }> {
  const samples: Sample[] = [];
  const tracing = new Map<string, TracingTotals>();
  const idWidth = Math.max(...contenders.map((contender) => contender.id.length));
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const contender of contenders) {
      const spansBefore = sink?.spanCount() ?? 0;
      const server = await start(contender, sink);
      let served = 0;
      try {
        for (const { path, status } of SCENARIOS) {
          const url = `${server.url}${path}`;
          served += (await wrk(url, options.connections, options.warmup)).requests;
          const cpuBefore = cpuSeconds(server.pid);
          const run = await wrk(url, options.connections, options.duration);
          const cpuUsPerRequest = ((cpuSeconds(server.pid) - cpuBefore) * US_PER_SECOND) / Math.max(1, run.requests);
          served += run.requests;
          const wrongStatus = status >= FIRST_ERROR_STATUS ? run.requests - run.statusErrors : run.statusErrors;
          const requestsPerSecond = run.requests / run.seconds;
          samples.push({
            contender: contender.id,
            path,
            round,
            requestsPerSecond,
            cpuUsPerRequest,
            errors: run.socketErrors + wrongStatus,
          });
          progress(
            `round ${round}/${options.rounds}  ${contender.id.padEnd(idWidth)} ${path.padEnd(11)} ` +
              `${Math.round(requestsPerSecond).toString().padStart(6)} req/s  ${cpuUsPerRequest.toFixed(1).padStart(6)} CPU µs/req`,
          );
        }
      } finally {
        // The service flushes its last spans before it exits.
        await server.stop();
      }
      if (contender.tracing && sink !== undefined) {
        const spans = sink.spanCount() - spansBefore;
        checkSpans(contender, served, spans);
        const totals = tracing.get(contender.id) ?? { requests: 0, spans: 0 };
        tracing.set(contender.id, { requests: totals.requests + served, spans: totals.spans + spans });
      }
    }
  }
  return { samples, tracing };
}
