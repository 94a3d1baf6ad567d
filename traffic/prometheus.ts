/** The few Prometheus HTTP API queries --verify needs. */
import { REQUEST_DURATION } from '../src/telemetry/metrics.ts';

/** The histogram's count series: one per answered request. */
export const REQUEST_COUNT = `${REQUEST_DURATION}_count`;
const QUERY_TIMEOUT_MS = 5000;

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

/** Prometheus answers but has no healthy scrape of the service (yet): worth waiting for, up to a point. */
export class NotScrapedError extends PrometheusError {
  override name = 'NotScrapedError';
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A vector query at the current time; throws PrometheusError with a readable reason. */
export async function instantQuery(prometheus: URL, promql: string): Promise<Sample[]> {
  const url = `${prometheus.href.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: Sample[] } };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    body = (await response.json()) as typeof body;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new PrometheusError(
      `cannot query Prometheus at ${prometheus.origin}: ${cause?.code ?? (error as Error).message}`,
    );
  }
  if (body.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new PrometheusError(`Prometheus at ${prometheus.origin} rejected ${promql}: ${body.error ?? 'not a vector'}`);
  }
  return body.data.result ?? [];
}

export interface ScrapeState {
  /** Prometheus's clock when it answered, in seconds. */
  now: number;
  /** The oldest of the latest scrapes of the job's targets: every target has been scraped since. */
  oldestScrape: number;
}

/**
 * When Prometheus last scraped every target of `job` (its clock, in seconds), after checking that
 * the job has targets and that all of them are up.
 */
export async function scrapeState(prometheus: URL, job: string): Promise<ScrapeState> {
  const up = await instantQuery(prometheus, `up{job="${job}"}`);
  if (up.length === 0) {
    throw new NotScrapedError(`Prometheus at ${prometheus.origin} has no target in job "${job}"`);
  }
  const down = up.filter((sample) => sample.value[1] !== '1').map((sample) => sample.metric.instance);
  // Down is often only "not yet" (the service just started): the caller's deadline decides.
  if (down.length > 0) {
    throw new NotScrapedError(`Prometheus at ${prometheus.origin} cannot scrape ${down.join(', ')} (job "${job}")`);
  }
  const scraped = await instantQuery(prometheus, `timestamp(up{job="${job}"})`);
  return {
    now: Math.min(...up.map((sample) => sample.value[0])),
    oldestScrape: Math.min(...scraped.map((sample) => Number(sample.value[1]))),
  };
}

export const countKey = (route: string, status: string | number) => `${route} ${status}`;

/** The service's request counters as Prometheus last scraped them, by route and status, summed over every target of `job`. */
export async function requestCounts(prometheus: URL, job: string): Promise<Map<string, number>> {
  const samples = await instantQuery(
    prometheus,
    `sum by (http_route, http_response_status_code) (${REQUEST_COUNT}{job="${job}"})`,
  );
  return new Map(
    samples.map(({ metric, value }) => [
      countKey(metric.http_route ?? '', metric.http_response_status_code ?? ''),
      Number(value[1]),
    ]),
  );
}
