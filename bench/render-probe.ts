import { parseArgs } from 'node:util';
import { createHttpMetrics } from '../src/telemetry/metrics.ts';
import { median, percentile } from './stats.ts';

/**
 * Times the service's own `/metrics` rendering (src/telemetry/metrics.ts, runtime metrics
 * included) with `--series` label sets of the request-duration histogram, in both formats.
 * Label sets are what the service would mint: standard methods x routes x statuses.
 * Prints one JSON line.
 */
const WARMUP_RENDERS = 5;
const MAX_SLEEP_SECONDS = 60;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', '_OTHER'];
const ROUTES = ['/', '/status/{status_code}', '/docs', '/docs/openapi.json', 'unmatched'];
const FIRST_STATUS = 200;
const STATUSES = 400;

const { values } = parseArgs({ options: { series: { type: 'string' }, renders: { type: 'string' } } });
const series = Number(values.series);
const renders = Number(values.renders);
if (series > METHODS.length * ROUTES.length * STATUSES)
  throw new RangeError(`at most ${METHODS.length * ROUTES.length * STATUSES} series`);

const metrics = createHttpMetrics({ buckets: [0.1], runtimeMetrics: true });
for (let i = 0; i < series; i += 1) {
  const status = FIRST_STATUS + (i % STATUSES);
  const route = ROUTES[Math.floor(i / STATUSES) % ROUTES.length] as string;
  const method = METHODS[Math.floor(i / (STATUSES * ROUTES.length))] as string;
  const labels = { http_request_method: method, http_route: route };
  metrics.activeRequests.inc(labels);
  metrics.activeRequests.dec(labels);
  metrics.requestDuration.observe({ labels: { ...labels, http_response_status_code: status }, value: 0.002 });
}

async function measure(openMetrics: boolean) {
  let body = '';
  for (let i = 0; i < WARMUP_RENDERS; i += 1) body = (await metrics.render(openMetrics)).body;
  const timesMs: number[] = [];
  for (let i = 0; i < renders; i += 1) {
    const start = performance.now();
    body = (await metrics.render(openMetrics)).body;
    timesMs.push(performance.now() - start);
  }
  return {
    format: openMetrics ? 'OpenMetrics' : 'Prometheus text',
    series,
    bytes: Buffer.byteLength(body),
    lines: body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length,
    medianMs: median(timesMs),
    p99Ms: percentile(timesMs, 99),
  };
}

process.stdout.write(`${JSON.stringify([await measure(false), await measure(true)])}\n`);
process.exit(0);
