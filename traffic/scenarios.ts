/**
 * What to send. `seed` is the Python demo's block of six Apache Bench commands, run at once (the
 * name is the one `make load` and compose pass); `smoke` is the same mix in a few seconds; `steady`
 * spreads the mix over time at a fixed rate.
 */

interface StreamSpec {
  /** Path and query, as requested. */
  path: string;
  /** The `http_route` label the service records for it (the route template). */
  route: string;
  /** The status the stream asks for: any other answer is an error (a wrong server, a proxy's redirect). */
  expect: number;
  /** Requests in flight at once (`ab -c`). */
  concurrency: number;
  /** Requests to send (`ab -n`). */
  requests: number;
}

/** A closed loop (`ab`): `concurrency` connections each sending its next request when the last is answered. */
export interface CountedLoad {
  kind: 'counted';
  concurrency: number;
  requests: number;
}
/** An open loop: requests start at a fixed rate whatever the answers' latency, for `durationSeconds`. */
export interface PacedLoad {
  kind: 'paced';
  rate: number;
  durationSeconds: number;
}
export interface StreamPlan {
  path: string;
  route: string;
  expect: number;
  load: CountedLoad | PacedLoad;
}

const ROOT_ROUTE = '/';
const STATUS_ROUTE = '/status/{status_code}';

/** The Python demo's block: `ab -k -c C -n N URL &`, six times. */
export const PYTHON_DEMO_STREAMS: readonly StreamSpec[] = [
  { path: '/', route: ROOT_ROUTE, expect: 200, concurrency: 5, requests: 20_000 },
  { path: '/status/400', route: STATUS_ROUTE, expect: 400, concurrency: 5, requests: 2000 },
  { path: '/status/409', route: STATUS_ROUTE, expect: 409, concurrency: 5, requests: 3000 },
  { path: '/status/500', route: STATUS_ROUTE, expect: 500, concurrency: 5, requests: 5000 },
  { path: '/status/200?seconds_sleep=1', route: STATUS_ROUTE, expect: 200, concurrency: 50, requests: 5000 },
  { path: '/status/200?seconds_sleep=2', route: STATUS_ROUTE, expect: 200, concurrency: 50, requests: 2000 },
];

/** The Python demo's mix, small enough to finish in about two seconds (the longest sleep), for a first check. */
const SMOKE_STREAMS: readonly StreamSpec[] = [
  { path: '/', route: ROOT_ROUTE, expect: 200, concurrency: 5, requests: 200 },
  { path: '/status/400', route: STATUS_ROUTE, expect: 400, concurrency: 2, requests: 20 },
  { path: '/status/409', route: STATUS_ROUTE, expect: 409, concurrency: 2, requests: 30 },
  { path: '/status/500', route: STATUS_ROUTE, expect: 500, concurrency: 2, requests: 50 },
  { path: '/status/200?seconds_sleep=1', route: STATUS_ROUTE, expect: 200, concurrency: 10, requests: 10 },
  { path: '/status/200?seconds_sleep=2', route: STATUS_ROUTE, expect: 200, concurrency: 5, requests: 5 },
];

export const SCENARIOS = {
  seed: "the Python demo's six ab streams, at once",
  smoke: 'the same mix, done in a few seconds',
  steady: 'the same mix at --rate requests/s for --duration',
} as const;
export type ScenarioName = keyof typeof SCENARIOS;

export function isScenario(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

/** Every stream's request count times `scale`, rounded; concurrency is kept. */
function scaled(streams: readonly StreamSpec[], scale: number): StreamPlan[] {
  return streams.map(({ path, route, expect, concurrency, requests }) => ({
    path,
    route,
    expect,
    load: { kind: 'counted', concurrency, requests: Math.round(requests * scale) },
  }));
}

/** The Python demo's mix as rates: each stream gets its share of the demo's requests out of `rate`. */
function paced(streams: readonly StreamSpec[], rate: number, durationSeconds: number): StreamPlan[] {
  const total = streams.reduce((sum, stream) => sum + stream.requests, 0);
  return streams.map(({ path, route, expect, requests }) => ({
    path,
    route,
    expect,
    load: { kind: 'paced', rate: (rate * requests) / total, durationSeconds },
  }));
}

interface ScenarioOptions {
  scale: number;
  rate: number;
  durationSeconds: number;
}

export function planScenario(name: ScenarioName, { scale, rate, durationSeconds }: ScenarioOptions): StreamPlan[] {
  switch (name) {
    case 'seed':
      return scaled(PYTHON_DEMO_STREAMS, scale);
    case 'smoke':
      return scaled(SMOKE_STREAMS, scale);
    case 'steady':
      return paced(PYTHON_DEMO_STREAMS, rate, durationSeconds);
  }
}

/** How many requests a stream sends in all (a paced stream's first starts at once). */
export function plannedRequests({ load }: StreamPlan): number {
  return load.kind === 'counted' ? load.requests : Math.ceil(load.rate * load.durationSeconds);
}
