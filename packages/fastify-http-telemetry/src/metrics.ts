import {
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Metric,
  type MetricObject,
  Registry,
} from '@prometheus-io/client';

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

/** Every metric has these fields; the client's types declare them on `MetricObject` only. */
const fields = (metric: Metric<string>) => metric as Metric<string> & MetricObject;

/** How the client names a counter's family in OpenMetrics: its samples get `_total` back. */
const openMetricsFamily = (name: string) => name.replace(/_total$/, '');

/**
 * What the OpenMetrics registry holds for a metric that Prometheus text renders too. Rendering
 * OpenMetrics, the client renames every counter it holds in place (`orders_total` becomes the
 * family `orders`, and each sample gets `_total` back): a counter shared with the Prometheus
 * registry would read `orders` there from then on. A counter is therefore shared through a view,
 * which takes the rename and hands the client the counter's samples under the family name; the
 * other types are never renamed and are shared as they are.
 */
function openMetricsView(shared: Metric<string>): Metric<string> {
  const metric = fields(shared);
  if (metric.type !== 'counter') return shared;
  const view = {
    name: metric.name,
    help: metric.help,
    type: metric.type,
    aggregator: metric.aggregator,
    async get() {
      const data = await metric.get();
      return { ...data, name: openMetricsFamily(data.name) };
    },
  };
  return view as unknown as Metric<string>;
}

/**
 * Two registries, one per exposition format: exemplars can only live in an OpenMetrics registry,
 * and only the OpenMetrics one renders them. Every metric is shared by both, counters through a
 * view (`openMetricsView`), so whatever was scraped before, in either format, a counter keeps its
 * name.
 */
export function createHttpMetrics({ buckets, runtimeMetrics }: MetricsOptions): HttpMetrics {
  const openMetricsRegistry = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
  const prometheusRegistry = new Registry(Registry.PROMETHEUS_CONTENT_TYPE);

  function register(metric: Metric<string>): void {
    prometheusRegistry.registerMetric(metric);
    // Registering the same metric again is allowed, as the registries allow it; its view is there already.
    if (openMetricsRegistry.getSingleMetric(fields(metric).name) === undefined) {
      openMetricsRegistry.registerMetric(openMetricsView(metric));
    }
  }

  const requestDuration = new Histogram<DurationLabels | ExemplarLabels>({
    name: REQUEST_DURATION,
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [...buckets],
    enableExemplars: true,
    // The client refuses a metric with exemplars in a Prometheus registry's constructor, not in `registerMetric`.
    registers: [],
  });
  const activeRequests = new Gauge<ActiveLabels>({
    name: ACTIVE_REQUESTS,
    help: 'Number of HTTP server requests in flight.',
    labelNames: ['http_request_method', 'http_route'],
    registers: [],
  });
  register(requestDuration);
  register(activeRequests);

  if (runtimeMetrics) {
    const runtime = new Registry(Registry.PROMETHEUS_CONTENT_TYPE);
    collectDefaultMetrics({ register: runtime });
    for (const metric of runtime.getMetricsAsArray()) register(metric as unknown as Metric<string>);
  }

  return {
    requestDuration,
    activeRequests,
    register,
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
