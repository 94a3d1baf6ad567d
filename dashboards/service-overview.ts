import { ACTIVE_REQUESTS, REQUEST_DURATION } from 'fastify-http-telemetry';
import { BACKEND_ALERTS, burnRateThreshold, threshold } from './shared/alert-thresholds.ts';
import { buildDashboard } from './shared/dashboard.ts';
import { percent } from './shared/format.ts';
import { histogramHeatmap, logLines, pie, stat, timeSeries, WIDTH } from './shared/panels.ts';
import { logql, promql } from './shared/queries.ts';
import { UNITS } from './shared/units.ts';
import { promVariable } from './shared/variables.ts';

/** The service's HTTP metrics (DESIGN.md, metrics contract) under the dashboard's variables. */
const SELECTED = 'job=~"$job", instance=~"$instance", http_route=~"$route"';
const COUNT = `${REQUEST_DURATION}_count{${SELECTED}}`;
const ERRORS = `${REQUEST_DURATION}_count{${SELECTED}, http_response_status_code=~"5.."}`;
const BUCKETS = `${REQUEST_DURATION}_bucket{${SELECTED}}`;

/** Thresholds of the alerting rules, drawn on the panels they watch. */
const ERROR_RATIO_ALERT = threshold(BACKEND_ALERTS, 'BackendHighErrorRatio');
const P99_ALERT_SECONDS = threshold(BACKEND_ALERTS, 'BackendHighLatencyP99');
/** The fast burn alert's burn rate, and the error budget its SLO leaves (1 − the share of requests without a 5xx). */
const { burnRate: FAST_BURN, errorBudget: ERROR_BUDGET } = burnRateThreshold(
  BACKEND_ALERTS,
  'BackendErrorBudgetBurnFast',
);

const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;
/** Errors over requests: 0 rather than no data while requests succeed, nothing (not NaN) while idle. */
const errorRatio = (window: string) =>
  `(sum(rate(${ERRORS}[${window}])) or vector(0)) / (sum(rate(${COUNT}[${window}])) > 0)`;
const quantile = (q: number, by = '') =>
  `histogram_quantile(${q}, sum by (${by ? `${by}, ` : ''}le) (${rate(BUCKETS)}))`;

export const serviceOverview = buildDashboard({
  uid: 'service-overview',
  title: 'Service overview',
  description:
    'Is the service healthy? Traffic, errors and latency of its HTTP requests (RED), its availability SLO, and its logs.',
  tags: ['service'],
  variables: [
    promVariable({ name: 'job', label: 'Service', query: `label_values(${REQUEST_DURATION}_count, job)` }),
    promVariable({
      name: 'instance',
      label: 'Instance',
      query: `label_values(${REQUEST_DURATION}_count{job=~"$job"}, instance)`,
      multi: true,
    }),
    promVariable({
      name: 'route',
      label: 'Route',
      query: `label_values(${REQUEST_DURATION}_count{job=~"$job", instance=~"$instance"}, http_route)`,
      multi: true,
    }),
  ],
  alerts: 'ALERTS{alertstate="firing", job=~"$job"}',
  rows: [
    {
      title: 'Traffic',
      panels: [
        stat({
          title: 'Total requests',
          description: 'Requests answered over the selected time range, every route and status together.',
          unit: UNITS.count,
          queries: [promql(`sum(increase(${COUNT}[$__range]))`, { instant: true })],
        }),
        stat({
          title: 'Requests per second',
          description: 'The latest request rate.',
          unit: UNITS.requestsPerSecond,
          queries: [promql(`sum(${rate(COUNT)})`)],
        }),
        stat({
          title: 'Error ratio',
          description:
            'Share of requests answered with a 5xx, latest value while there is traffic. ' +
            `Red from ${percent(ERROR_RATIO_ALERT)}, where BackendHighErrorRatio fires.`,
          unit: UNITS.percent,
          threshold: ERROR_RATIO_ALERT,
          queries: [promql(errorRatio('$__rate_interval'))],
        }),
        stat({
          title: 'Requests in progress',
          description: 'Requests being handled right now: climbs when responses slow down or clients pile up.',
          unit: UNITS.count,
          queries: [promql(`sum(${ACTIVE_REQUESTS}{${SELECTED}})`, { instant: true })],
        }),
        timeSeries({
          title: 'Requests per second',
          description: 'Request rate of the selected instances and routes.',
          unit: UNITS.requestsPerSecond,
          min: 0,
          queries: [promql(`sum(${rate(COUNT)})`, { legend: 'requests/s' })],
        }),
        timeSeries({
          title: 'Requests per second by instance',
          description:
            'Request rate of each replica (docker compose up --scale backend=N; Prometheus finds each by DNS): the load balancer should spread it evenly.',
          unit: UNITS.requestsPerSecond,
          min: 0,
          queries: [promql(`sum by (instance) (${rate(COUNT)})`, { legend: '{{instance}}' })],
        }),
        timeSeries({
          title: 'Requests by route and status',
          description: 'Request rate split by route template and status code: which routes fail, and how.',
          unit: UNITS.requestsPerSecond,
          stacked: true,
          width: WIDTH.full,
          queries: [
            promql(`sum by (http_route, http_response_status_code) (${rate(COUNT)})`, {
              legend: '{{http_route}} {{http_response_status_code}}',
            }),
          ],
        }),
        timeSeries({
          title: 'Requests in progress by route',
          description: 'Requests in flight per route: long sleeps show up here while they wait.',
          unit: UNITS.count,
          min: 0,
          width: WIDTH.half + WIDTH.quarter,
          queries: [promql(`sum by (http_route) (${ACTIVE_REQUESTS}{${SELECTED}})`, { legend: '{{http_route}}' })],
        }),
        pie({
          title: 'Status codes',
          description: 'Requests by status code over the selected time range.',
          unit: UNITS.count,
          queries: [
            promql(`sum by (http_response_status_code) (increase(${COUNT}[$__range]))`, {
              instant: true,
              legend: '{{http_response_status_code}}',
            }),
          ],
        }),
      ],
    },
    {
      title: 'Errors',
      panels: [
        timeSeries({
          title: 'Error ratio (5xx)',
          description: `Share of requests answered with a 5xx. The dashed line is the ${percent(ERROR_RATIO_ALERT)} of BackendHighErrorRatio.`,
          unit: UNITS.percent,
          min: 0,
          threshold: ERROR_RATIO_ALERT,
          queries: [promql(errorRatio('$__rate_interval'), { legend: '5xx ratio' })],
        }),
        timeSeries({
          title: `Error-budget burn rate (SLO ${percent(1 - ERROR_BUDGET)})`,
          description:
            `How many times faster than sustainable the ${percent(ERROR_BUDGET)} error budget is spent, over 5 minutes ` +
            `and 1 hour (recording rules). BackendErrorBudgetBurnFast fires when both exceed ${FAST_BURN}.`,
          unit: UNITS.times,
          min: 0,
          threshold: FAST_BURN,
          queries: [
            promql(`job:http_server_request_errors:ratio_rate5m{job=~"$job"} / ${ERROR_BUDGET}`, {
              legend: '5m window',
            }),
            promql(`job:http_server_request_errors:ratio_rate1h{job=~"$job"} / ${ERROR_BUDGET}`, {
              legend: '1h window',
            }),
          ],
        }),
      ],
    },
    {
      title: 'Latency',
      panels: [
        timeSeries({
          title: 'Latency percentiles',
          description:
            'p50, p90 and p99 of request duration, from the histogram. Points are exemplars: click one to open its trace.',
          unit: UNITS.seconds,
          min: 0,
          queries: [
            promql(quantile(0.5), { legend: 'p50', exemplar: true }),
            promql(quantile(0.9), { legend: 'p90', exemplar: true }),
            promql(quantile(0.99), { legend: 'p99', exemplar: true }),
          ],
        }),
        timeSeries({
          title: 'p99 latency by route',
          description: `The slowest 1% of requests per route. The dashed line is the ${P99_ALERT_SECONDS} s of BackendHighLatencyP99.`,
          unit: UNITS.seconds,
          min: 0,
          threshold: P99_ALERT_SECONDS,
          queries: [promql(quantile(0.99, 'http_route'), { legend: '{{http_route}}', exemplar: true })],
        }),
        timeSeries({
          title: 'Average duration by route',
          description: 'Mean request duration per route: total time spent over the number of requests.',
          unit: UNITS.seconds,
          min: 0,
          queries: [
            promql(
              `sum by (http_route) (${rate(`${REQUEST_DURATION}_sum{${SELECTED}}`)}) / sum by (http_route) (${rate(COUNT)})`,
              { legend: '{{http_route}}' },
            ),
          ],
        }),
        histogramHeatmap({
          title: 'Latency heatmap',
          description:
            'How many requests fell in each duration bucket over time: the Python demo mix shows bands near 0, 1 s and 2 s.',
          unit: UNITS.seconds,
          queries: [promql(`sum by (le) (${rate(BUCKETS)})`, { legend: '{{le}}', heatmap: true, exemplar: true })],
        }),
      ],
    },
    {
      title: 'Logs',
      panels: [
        logLines({
          title: 'Service logs',
          description:
            'The service\'s own log lines (Loki; the Prometheus job is the compose service, which Alloy puts in service_name). Expand a line and follow "View trace" to its trace.',
          queries: [logql('{service_name=~"$job"}')],
        }),
      ],
    },
  ],
});
