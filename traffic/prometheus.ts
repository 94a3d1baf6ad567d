/** The few Prometheus HTTP API queries --verify needs. */

/** The scrape job of the service in the repository's prometheus.yml. */
export const SERVICE_JOB = 'backend';
export const REQUEST_COUNT = 'http_server_request_duration_seconds_count';
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

/**
 * When Prometheus last scraped the service (its clock, in seconds), after checking that it scrapes
 * the service's job and that every target of it is up.
 */
export async function lastScrape(prometheus: URL): Promise<number> {
  const up = await instantQuery(prometheus, `up{job="${SERVICE_JOB}"}`);
  if (up.length === 0) {
    throw new NotScrapedError(`Prometheus at ${prometheus.origin} has no target in job "${SERVICE_JOB}"`);
  }
  const down = up.filter((sample) => sample.value[1] !== '1').map((sample) => sample.metric.instance);
  // Down is often only "not yet" (the service just started): the caller's deadline decides.
  if (down.length > 0) {
    throw new NotScrapedError(
      `Prometheus at ${prometheus.origin} cannot scrape ${down.join(', ')} (job "${SERVICE_JOB}")`,
    );
  }
  const scraped = await instantQuery(prometheus, `timestamp(up{job="${SERVICE_JOB}"})`);
  return Math.min(...scraped.map((sample) => Number(sample.value[1])));
}

export const countKey = (route: string, status: string | number) => `${route} ${status}`;

/** The service's request counters as Prometheus last scraped them, by route and status. */
export async function requestCounts(prometheus: URL): Promise<Map<string, number>> {
  const samples = await instantQuery(
    prometheus,
    `sum by (http_route, http_response_status_code) (${REQUEST_COUNT}{job="${SERVICE_JOB}"})`,
  );
  return new Map(
    samples.map(({ metric, value }) => [
      countKey(metric.http_route ?? '', metric.http_response_status_code ?? ''),
      Number(value[1]),
    ]),
  );
}
