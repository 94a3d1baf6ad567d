import { collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from '@prometheus-io/client';

/** The metric names, OpenTelemetry's HTTP server conventions in Prometheus form: import these, never retype them. */
export const REQUEST_DURATION = 'http_server_request_duration_seconds';
export const ACTIVE_REQUESTS = 'http_server_active_requests';

/** OpenTelemetry's recommended boundaries for `http.server.request.duration`: a generic web API's. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export type DurationLabels = 'http_request_method' | 'http_route' | 'http_response_status_code';
export type ActiveLabels = 'http_request_method' | 'http_route';
/** The client types exemplar labels with the metric's own label names, so they join the union. */
export type ExemplarLabels = 'trace_id';

export interface MetricsOptions {
  buckets: readonly number[];
  /** `process_*` and `nodejs_*`: CPU, memory, heap, event-loop lag, GC. */
  runtimeMetrics: boolean;
}

export interface HttpMetrics {
  requestDuration: Histogram<DurationLabels | ExemplarLabels>;
  activeRequests: Gauge<ActiveLabels>;
  /** Adds a metric of the app's own (created with `registers: []`) to both exposition formats. */
  register(metric: Metric<string>): void;
  /** The scrape body and its content type: OpenMetrics (with exemplars) when asked for, else Prometheus text. */
  render(openMetrics: boolean): Promise<{ body: string; contentType: string }>;
}

/**
 * Two registries, one per exposition format. Exemplars can only live in an OpenMetrics
 * registry, and the client renames a counter for good once it has rendered it as
 * OpenMetrics, so each registry has its own runtime metrics (those include counters);
 * the two HTTP metrics, a histogram and a gauge, are shared.
 */
export function createHttpMetrics({ buckets, runtimeMetrics }: MetricsOptions): HttpMetrics {
  const openMetricsRegistry = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
  const prometheusRegistry = new Registry(Registry.PROMETHEUS_CONTENT_TYPE);
  const registries = [openMetricsRegistry, prometheusRegistry];

  const requestDuration = new Histogram<DurationLabels | ExemplarLabels>({
    name: REQUEST_DURATION,
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [...buckets],
    enableExemplars: true,
    registers: [openMetricsRegistry],
  });
  prometheusRegistry.registerMetric(requestDuration);

  const activeRequests = new Gauge<ActiveLabels>({
    name: ACTIVE_REQUESTS,
    help: 'Number of HTTP server requests in flight.',
    labelNames: ['http_request_method', 'http_route'],
    registers: registries,
  });

  if (runtimeMetrics) for (const register of registries) collectDefaultMetrics({ register });

  return {
    requestDuration,
    activeRequests,
    register(metric) {
      for (const registry of registries) registry.registerMetric(metric);
    },
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
