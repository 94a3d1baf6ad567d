import { Pool, request } from 'undici';
import type { CountedLoad, PacedLoad, StreamPlan } from './scenarios.ts';
import { StreamStats } from './stats.ts';

/** Longer than the service's longest allowed sleep (MAX_SLEEP_SECONDS, 60 by default). */
const REQUEST_TIMEOUT_MS = 90_000;
/** A paced stream opens connections as latency demands, up to this many; past it, requests queue. */
const MAX_PACED_CONNECTIONS = 1000;
const HEADERS = { 'user-agent': 'observability-demo-traffic' } as const;
const MS_PER_SECOND = 1000;
/** The service answers it without counting it as traffic, so the check leaves --verify's counts alone. */
const PROBE_PATH = '/healthz';

interface Run {
  /** One entry per stream, live: read them for progress. */
  streams: StreamStats[];
  /** Resolves when every stream is done, or stopped. */
  done: Promise<void>;
  /** Stops sending and abandons the requests in flight (counted as aborted). */
  stop(): void;
  readonly stopped: boolean;
}

/** Why a request failed, in a few words: the system error code when there is one. */
export function errorKind(error: unknown): string {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  if (name === 'TimeoutError') return 'TIMEOUT';
  return code ?? message ?? String(error);
}

/** `path` under the base URL's own path, so that `--url http://host/prefix` is honoured. */
function requestPath(base: URL, path: string): string {
  return `${base.pathname.replace(/\/+$/, '')}${path}`;
}

/** Resolves once the server at `base` answers anything over HTTP, or rejects with the reason. */
export async function checkReachable(base: URL, timeoutMs: number): Promise<void> {
  const { body } = await request(new URL(requestPath(base, PROBE_PATH), base.origin), {
    headers: HEADERS,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await body.dump();
}

interface Stream {
  stats: StreamStats;
  pool: Pool;
  path: string;
  isStopped: () => boolean;
}

/**
 * One GET on the pool: resolves with the status once the whole answer is in, the body dropped.
 * undici's handler API rather than `request()`: no body stream per answer, a fifth less CPU a request.
 */
function get(pool: Pool, path: string): Promise<number> {
  const { promise, resolve, reject } = Promise.withResolvers<number>();
  let status = 0;
  pool.dispatch(
    { method: 'GET', path, headers: HEADERS },
    {
      // undici refuses a handler without each of these hooks, even the ones with nothing to do.
      onRequestStart: () => {},
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => {},
      onResponseEnd: () => resolve(status),
      onResponseError: (_controller, error) => reject(error),
    },
  );
  return promise;
}

/** Sends one request and records its outcome: an answer (its status) or why there was none. */
async function exchange({ stats, pool, path, isStopped }: Stream): Promise<void> {
  const started = performance.now();
  stats.inFlight++;
  try {
    const status = await get(pool, path);
    stats.recordResponse(status, performance.now() - started);
  } catch (error) {
    if (isStopped()) stats.aborted++;
    else stats.recordFailure(errorKind(error));
  } finally {
    stats.inFlight--;
  }
}

/** `ab -k -c C -n N`: C workers on C keep-alive connections, each sending its next request when the last is answered. */
async function runCounted(load: CountedLoad, stream: Stream): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (!stream.isStopped() && issued < load.requests) {
      issued++;
      await exchange(stream);
    }
  };
  await Promise.all(Array.from({ length: Math.min(load.concurrency, load.requests) }, worker));
}

/** Requests start on a fixed schedule, whatever the answers' latency. */
function runPaced(load: PacedLoad, stream: Stream, onStop: Array<() => void>): Promise<void> {
  const { stats } = stream;
  const total = Math.ceil(load.rate * load.durationSeconds);
  const intervalMs = MS_PER_SECOND / load.rate;
  let issued = 0;
  let timer: NodeJS.Timeout | undefined;
  const { promise, resolve } = Promise.withResolvers<void>();

  const finishIfDone = () => {
    if (stats.inFlight > 0 || (issued < total && !stream.isStopped())) return;
    clearTimeout(timer);
    resolve();
  };
  const tick = () => {
    clearTimeout(timer);
    const due = Math.min(total, Math.floor((performance.now() - stats.startedAt) / intervalMs) + 1);
    while (!stream.isStopped() && issued < due) {
      issued++;
      void exchange(stream).then(finishIfDone);
    }
    if (!stream.isStopped() && issued < total) {
      timer = setTimeout(tick, stats.startedAt + issued * intervalMs - performance.now());
    }
    finishIfDone();
  };
  onStop.push(tick);
  tick();
  return promise;
}

/** Starts every stream at once, as the Python demo's `ab … &` lines did; one keep-alive pool per stream. */
export function startRun(url: URL, plans: StreamPlan[]): Run {
  let stopped = false;
  const isStopped = () => stopped;
  const onStop: Array<() => void> = [];
  const streams = plans.map((plan) => {
    const { load } = plan;
    const pool = new Pool(url.origin, {
      connections: load.kind === 'counted' ? load.concurrency : MAX_PACED_CONNECTIONS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    return { stats: new StreamStats(plan), pool, path: requestPath(url, plan.path), isStopped };
  });
  const done = Promise.all(
    streams.map(async (stream) => {
      const { stats, pool } = stream;
      stats.startedAt = performance.now();
      const { load } = stats.plan;
      await (load.kind === 'counted' ? runCounted(load, stream) : runPaced(load, stream, onStop));
      stats.endedAt = performance.now();
      if (!stopped) await pool.close();
    }),
  ).then(() => undefined);
  return {
    streams: streams.map((stream) => stream.stats),
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      // Closes every connection: the service stops working on requests nobody waits for any more.
      for (const { pool } of streams) void pool.destroy();
      for (const wake of onStop) wake();
    },
    get stopped() {
      return stopped;
    },
  };
}
