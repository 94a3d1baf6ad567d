/** Prometheus's HTTP API: the queries --verify needs, and the one client the tests use too. */
import { REQUEST_DURATION } from 'fastify-http-telemetry';

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

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ApiBody<T> {
  status: string;
  error?: string;
  data?: T;
}

/** The body as Prometheus's API frames it (`{"status": …}`), or undefined when it is not that. */
function prometheusBody<T>(text: string): ApiBody<T> | undefined {
  try {
    const body = JSON.parse(text) as Partial<ApiBody<T>> | null;
    return typeof body?.status === 'string' ? (body as ApiBody<T>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Prometheus's HTTP API at `path` (e.g. `/api/v1/query_range`): its `data`, or a PrometheusError
 * with a readable reason. The one client of the API for the generator and the tests.
 */
export async function prometheusApi<T>(
  prometheus: URL | string,
  path: string,
  params: Record<string, string | number>,
): Promise<T> {
  const base = new URL(prometheus);
  const search = new URLSearchParams(Object.entries(params).map(([name, value]) => [name, String(value)]));
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${base.href.replace(/\/+$/, '')}${path}?${search}`, {
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new PrometheusError(`cannot query Prometheus at ${base.origin}: ${cause?.code ?? (error as Error).message}`);
  }
  const body = prometheusBody<T>(text);
  if (body === undefined) {
    // Something else answered: a proxy's login page, another service on the port.
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new PrometheusError(
      `${base.origin} is not Prometheus's API: ${path} answered ${response.status} ${response.statusText} (${type})`,
    );
  }
  if (body.status !== 'success') {
    throw new PrometheusError(`Prometheus at ${base.origin} rejected ${params.query ?? path}: ${body.error}`);
  }
  return body.data as T;
}

/** A vector query at the current time; throws PrometheusError with a readable reason. */
export async function instantQuery(prometheus: URL | string, promql: string): Promise<Sample[]> {
  const data = await prometheusApi<{ resultType?: string; result?: Sample[] }>(prometheus, '/api/v1/query', {
    query: promql,
  });
  if (data?.resultType !== 'vector') {
    throw new PrometheusError(`Prometheus at ${new URL(prometheus).origin} rejected ${promql}: not a vector`);
  }
  return data.result ?? [];
}

interface ScrapeState {
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
