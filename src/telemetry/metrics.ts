import { collectDefaultMetrics, Gauge, Histogram, Registry } from '@prometheus-io/client';

export const REQUEST_DURATION = 'http_server_request_duration_seconds';
export const ACTIVE_REQUESTS = 'http_server_active_requests';

/**
 * Fine below 10 ms for fast answers, tight around the 1 s and 2 s sleeps of the seed's
 * load scenario (a 1 s sleep takes a little over 1 s), and on up to the longest sleep.
 */
const BASE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.25, 1.5, 2, 2.5, 5, 10, 30, 60,
];

export function durationBuckets(maxSleepSeconds: number): number[] {
  const buckets = BASE_BUCKETS.filter((bound) => bound < maxSleepSeconds);
  return [...buckets, maxSleepSeconds];
}

export type DurationLabels = 'http_request_method' | 'http_route' | 'http_response_status_code';
export type ActiveLabels = 'http_request_method' | 'http_route';
/** The client types exemplar labels with the metric's own label names, so they join the union. */
export type ExemplarLabels = 'trace_id';

export interface HttpMetrics {
  requestDuration: Histogram<DurationLabels | ExemplarLabels>;
  activeRequests: Gauge<ActiveLabels>;
  /** The scrape body and its content type: OpenMetrics (with exemplars) when asked for, else Prometheus text. */
  render(openMetrics: boolean): Promise<{ body: string; contentType: string }>;
}

/**
 * Two registries, one per exposition format. Exemplars can only live in an OpenMetrics
 * registry, and the client renames a counter for good once it has rendered it as
 * OpenMetrics, so each registry has its own runtime metrics (those include counters);
 * the two HTTP metrics, a histogram and a gauge, are shared.
 */
export function createHttpMetrics({ maxSleepSeconds }: { maxSleepSeconds: number }): HttpMetrics {
  const openMetricsRegistry = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
  const prometheusRegistry = new Registry(Registry.PROMETHEUS_CONTENT_TYPE);

  const requestDuration = new Histogram<DurationLabels | ExemplarLabels>({
    name: REQUEST_DURATION,
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: durationBuckets(maxSleepSeconds),
    enableExemplars: true,
    registers: [openMetricsRegistry],
  });
  prometheusRegistry.registerMetric(requestDuration);

  const activeRequests = new Gauge<ActiveLabels>({
    name: ACTIVE_REQUESTS,
    help: 'Number of HTTP server requests in flight.',
    labelNames: ['http_request_method', 'http_route'],
    registers: [openMetricsRegistry, prometheusRegistry],
  });

  collectDefaultMetrics({ register: openMetricsRegistry });
  collectDefaultMetrics({ register: prometheusRegistry });

  return {
    requestDuration,
    activeRequests,
    async render(openMetrics) {
      const registry = openMetrics ? openMetricsRegistry : prometheusRegistry;
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/**
 * True when the scraper prefers OpenMetrics to Prometheus text, as Prometheus does
 * (`application/openmetrics-text;version=1.0.0;q=0.5,…,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`).
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2)) || 0;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}
