import { median, ratio } from './stats.ts';

/** One measured wrk run of one contender on one route in one round. */
export interface LoadSample {
  contender: string;
  scenario: string;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The server process's CPU time (all threads) over the requests it answered: steady when the machine is shared. */
  cpuUsPerRequest: number;
  /** Socket errors (connect, read, write, timeout) plus answers with a status other than the route's. */
  errors: number;
}

/** Resident memory of one contender process after its measured runs in one round. */
export interface RssSample {
  contender: string;
  round: number;
  rssBytes: number;
}

export interface LoadSummary {
  contender: string;
  scenario: string;
  rounds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  errors: number;
  rssBytes: number | undefined;
  /** Median over rounds of this contender's req/s over the baseline's in the same round. */
  vsFastify: number | undefined;
  vsNodeHttp: number | undefined;
  /** The same by CPU: the baseline's CPU per request over this contender's (what a saturated core would give). */
  cpuVsFastify: number | undefined;
}

export const FASTIFY = 'fastify';
export const NODE_HTTP = 'node-http';

/**
 * Ratios are paired by round: on a shared machine a slow round slows every contender in it,
 * so the ratio of each round is steadier than the ratio of medians.
 */
function pairedRatio(
  samples: LoadSample[],
  mine: LoadSample[],
  baseline: string,
  of: (sample: LoadSample) => number,
): number | undefined {
  const ratios = mine.flatMap((sample) => {
    const base = samples.find(
      (other) => other.contender === baseline && other.scenario === sample.scenario && other.round === sample.round,
    );
    const value = ratio(of(sample), base === undefined ? undefined : of(base));
    return value === undefined ? [] : [value];
  });
  return ratios.length === 0 ? undefined : median(ratios);
}

/** Medians over rounds for each contender and route, in the order they first appear. */
export function summarizeLoad(samples: LoadSample[], rss: RssSample[]): LoadSummary[] {
  const keys = [...new Set(samples.map((sample) => `${sample.scenario}\u0000${sample.contender}`))];
  return keys.map((key) => {
    const [scenario = '', contender = ''] = key.split('\u0000');
    const mine = samples.filter((sample) => sample.contender === contender && sample.scenario === scenario);
    const rssOfMine = rss.filter((sample) => sample.contender === contender).map((sample) => sample.rssBytes);
    return {
      contender,
      scenario,
      rounds: mine.length,
      requestsPerSecond: median(mine.map((sample) => sample.requestsPerSecond)),
      p50Ms: median(mine.map((sample) => sample.p50Ms)),
      p99Ms: median(mine.map((sample) => sample.p99Ms)),
      cpuUsPerRequest: median(mine.map((sample) => sample.cpuUsPerRequest)),
      errors: mine.reduce((total, sample) => total + sample.errors, 0),
      rssBytes: rssOfMine.length === 0 ? undefined : median(rssOfMine),
      vsFastify: pairedRatio(samples, mine, FASTIFY, (sample) => sample.requestsPerSecond),
      vsNodeHttp: pairedRatio(samples, mine, NODE_HTTP, (sample) => sample.requestsPerSecond),
      // Requests per CPU second, so higher is better like req/s.
      cpuVsFastify: pairedRatio(samples, mine, FASTIFY, (sample) => 1 / sample.cpuUsPerRequest),
    };
  });
}
