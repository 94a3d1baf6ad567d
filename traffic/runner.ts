import { AbortedError, Connection, errorKind, type Target } from './connection.ts';
import type { CountedLoad, PacedLoad, StreamPlan } from './scenarios.ts';
import { StreamStats } from './stats.ts';

/** Longer than the service's longest allowed sleep (MAX_SLEEP_SECONDS, 60 by default). */
export const REQUEST_TIMEOUT_MS = 90_000;
/** A paced stream opens connections as latency demands, up to this many; past it, requests wait. */
const MAX_PACED_CONNECTIONS = 1000;
const USER_AGENT = 'observability-demo-traffic';
const MS_PER_SECOND = 1000;

export interface Run {
  /** One entry per stream, live: read them for progress. */
  streams: StreamStats[];
  /** Resolves when every stream is done, or stopped. */
  done: Promise<void>;
  /** Stops sending and abandons the requests in flight (counted as aborted). */
  stop(): void;
  readonly stopped: boolean;
}

export function requestBytes(base: URL, path: string): Buffer {
  const prefix = base.pathname.replace(/\/+$/, '');
  return Buffer.from(
    `GET ${prefix}${path} HTTP/1.1\r\nHost: ${base.host}\r\nUser-Agent: ${USER_AGENT}\r\n\r\n`,
    'latin1',
  );
}

export function targetOf(url: URL): Target {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
  return { host, port: Number(url.port || 80) };
}

interface Shared {
  target: Target;
  connections: Set<Connection>;
  isStopped: () => boolean;
  /** Called on stop, so that a stream waiting for its next slot finishes at once. */
  onStop: Array<() => void>;
}

/** Sends one request on `connection` and records its outcome in `stats`. */
async function exchange(connection: Connection, request: Buffer, stats: StreamStats, shared: Shared): Promise<void> {
  const started = performance.now();
  stats.inFlight++;
  try {
    const status = await connection.request(request);
    stats.recordResponse(status, performance.now() - started);
  } catch (error) {
    if (error instanceof AbortedError || shared.isStopped()) stats.aborted++;
    else stats.recordError(errorKind(error));
  } finally {
    stats.inFlight--;
  }
}

function openConnection(shared: Shared): Connection {
  const connection = new Connection(shared.target, REQUEST_TIMEOUT_MS);
  shared.connections.add(connection);
  return connection;
}

function closeConnection(shared: Shared, connection: Connection): void {
  connection.close();
  shared.connections.delete(connection);
}

/** `ab -k -c C -n N`: C connections, each sending its next request as soon as the last is answered. */
async function runCounted(load: CountedLoad, request: Buffer, stats: StreamStats, shared: Shared): Promise<void> {
  let issued = 0;
  const worker = async () => {
    const connection = openConnection(shared);
    while (!shared.isStopped() && issued < load.requests) {
      issued++;
      await exchange(connection, request, stats, shared);
    }
    closeConnection(shared, connection);
  };
  await Promise.all(Array.from({ length: Math.min(load.concurrency, load.requests) }, worker));
}

/** Requests start on a fixed schedule, whatever the answers' latency; idle connections are reused. */
function runPaced(load: PacedLoad, request: Buffer, stats: StreamStats, shared: Shared): Promise<void> {
  const total = Math.ceil(load.rate * load.durationSeconds);
  const intervalMs = MS_PER_SECOND / load.rate;
  const idle: Connection[] = [];
  let opened = 0;
  let issued = 0;
  let timer: NodeJS.Timeout | undefined;
  const { promise, resolve } = Promise.withResolvers<void>();

  const finishIfDone = () => {
    if (stats.inFlight > 0 || (issued < total && !shared.isStopped())) return;
    clearTimeout(timer);
    for (const connection of idle) closeConnection(shared, connection);
    resolve();
  };
  const take = (): Connection | undefined => {
    const reused = idle.pop();
    if (reused !== undefined || opened === MAX_PACED_CONNECTIONS) return reused;
    opened++;
    return openConnection(shared);
  };
  const fire = (connection: Connection) => {
    issued++;
    void exchange(connection, request, stats, shared).then(() => {
      idle.push(connection);
      tick();
    });
  };
  const tick = () => {
    clearTimeout(timer);
    const due = Math.min(total, Math.floor((performance.now() - stats.startedAt) / intervalMs) + 1);
    while (!shared.isStopped() && issued < due) {
      const connection = take();
      if (connection === undefined) break; // every connection busy: wait for one to come back
      fire(connection);
    }
    if (!shared.isStopped() && issued < total && issued === due) {
      timer = setTimeout(tick, stats.startedAt + issued * intervalMs - performance.now());
    }
    finishIfDone();
  };
  shared.onStop.push(tick);
  tick();
  return promise;
}

/** Starts every stream at once, as the seed's `ab … &` lines did. */
export function startRun(url: URL, plans: StreamPlan[]): Run {
  let stopped = false;
  const shared: Shared = { target: targetOf(url), connections: new Set(), isStopped: () => stopped, onStop: [] };
  const streams = plans.map((plan) => new StreamStats(plan));
  const done = Promise.all(
    streams.map(async (stats) => {
      const request = requestBytes(url, stats.plan.path);
      stats.startedAt = performance.now();
      const { load } = stats.plan;
      await (load.kind === 'counted'
        ? runCounted(load, request, stats, shared)
        : runPaced(load, request, stats, shared));
      stats.endedAt = performance.now();
    }),
  ).then(() => undefined);
  return {
    streams,
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const connection of shared.connections) connection.close();
      for (const wake of shared.onStop) wake();
    },
    get stopped() {
      return stopped;
    },
  };
}
