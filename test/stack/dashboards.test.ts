/**
 * Every PromQL query of every committed dashboard, run against a real Prometheus after the real
 * service has served the Python demo's kinds of traffic: none of them may come back empty ("No data").
 *
 * Proven against real components: the service's HTTP and runtime metrics (two `src/server.ts`
 * processes, tracing on, so exemplars carry trace ids), the recording and alerting rules (ALERTS),
 * Prometheus' and Alertmanager's own metrics (each scraped from the running binary).
 * Proven against TEST DOUBLES, because they need a container engine this machine lacks: the
 * cAdvisor container metrics and Loki's metrics, served from test/stack/fixtures/*-double.prom.
 * The compose end-to-end job sees the real ones.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { stringify } from 'yaml';
import { pollUntil } from '../../support/poll.ts';
import { instantQuery, prometheusApi } from '../../traffic/prometheus.ts';
import {
  type DashboardJson,
  type DashboardQuery,
  queriesOf,
  readDashboards,
  regexOf,
  substitute,
  variableQuery,
} from '../helpers/dashboards.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { scratchDir } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { INSTRUMENTATION, startServer } from '../helpers/server-process.ts';
import {
  PROMETHEUS_YML,
  type PrometheusConfig,
  queryExemplars,
  type ScrapeConfig,
  startAlertmanager,
  startPrometheus,
} from '../helpers/stack.ts';

const RULES = 'observability/prometheus/rules/backend.yml';
/** Every scrape and rule evaluation once a second: test configuration, so the test takes seconds, not minutes. */
const INTERVAL = '1s';
const STEP_SECONDS = 1;
/** Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval) at a 1 s step and scrape. */
const RATE_INTERVAL = '4s';
const INSTANCES = 2;
/** The Python demo's kinds of traffic (root, 400, 409, 500, 1 s and 2 s sleeps), fewer of each; 5xx above the 5% alert. */
const SEED_MIX: Array<[path: string, times: number]> = [
  ['/', 12],
  ['/status/400', 3],
  ['/status/409', 3],
  ['/status/500', 4],
  ['/status/200?seconds_sleep=1', 2],
  ['/status/200?seconds_sleep=2', 2],
];
const DEADLINE_MS = 60_000;
const POLL_MS = 250;
/** Raised by SEED_MIX's 5xx; every dashboard's alert annotation shows it. */
const FIRING_ERROR_ALERT = 'ALERTS{alertstate="firing", alertname="BackendHighErrorRatio"}';

/** Metrics of components that cannot run here, served by the test double named after them. */
const DOUBLES = [
  { job: 'integrations/cadvisor', path: '/cadvisor/metrics', file: 'test/stack/fixtures/cadvisor-double.prom' },
  { job: 'loki', path: '/loki/metrics', file: 'test/stack/fixtures/loki-double.prom' },
] as const;
const DOUBLED_METRIC = /\b(container_\w+|loki_\w+)/;

type Selection = 'all' | 'every value' | 'first value';
const SELECTIONS: Selection[] = ['all', 'every value', 'first value'];

/** A tiny HTTP server standing in for cAdvisor and Loki: each fixture file, verbatim, at its path. */
async function startMetricsDouble(t: TestContext): Promise<string> {
  const bodies = new Map<string, string>(DOUBLES.map(({ path, file }) => [path, readRepoFile(file)]));
  const server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain; version=0.0.4' }).end(body ?? '');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The repository's prometheus.yml with its jobs pointed at this test's processes and doubles. */
function testConfig(targets: Record<string, string[]>, doubleAddress: string, alertmanager: string, rules: string) {
  const shipped = readRepoYaml<PrometheusConfig>(PROMETHEUS_YML);
  const shippedJob = (name: string): ScrapeConfig => {
    const job = shipped.scrape_configs.find(({ job_name }) => job_name === name);
    assert.ok(job, `prometheus.yml scrapes ${name}`);
    // Compose finds the backend replicas by DNS; here the test's processes are static targets
    // (and "backend" would be a query to the machine's resolver).
    const { dns_sd_configs: _dns, ...staticJob } = job as ScrapeConfig & { dns_sd_configs?: unknown };
    return staticJob;
  };
  const fast = { scrape_interval: INTERVAL, scrape_timeout: INTERVAL };
  const config: PrometheusConfig = {
    ...shipped,
    global: { ...shipped.global, ...fast, evaluation_interval: INTERVAL },
    rule_files: [rules],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] },
    scrape_configs: [
      ...Object.entries(targets).map(([name, addresses]) => ({
        ...shippedJob(name),
        ...fast,
        static_configs: [{ targets: addresses }],
      })),
      ...DOUBLES.map(({ job, path }) => ({
        job_name: job,
        metrics_path: path,
        ...fast,
        static_configs: [{ targets: [doubleAddress] }],
      })),
    ],
  };
  shippedJob('loki'); // the double stands in for a job the shipped configuration really has
  return config;
}

interface Window {
  start: number;
  end: number;
}

/** The values a `label_values(selector, label)` variable offers, as Grafana asks Prometheus for them. */
async function labelValues(prometheus: string, definition: string, window: Window): Promise<string[]> {
  const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(definition);
  assert.ok(match, `a label_values() query: ${definition}`);
  const [, selector, label] = match;
  const params: Record<string, string> = { start: String(window.start), end: String(window.end) };
  if (selector !== undefined) params['match[]'] = selector;
  return prometheusApi<string[]>(prometheus, `/api/v1/label/${label}/values`, params);
}

/** Each Prometheus variable's substitution under `selection`, resolved in order as Grafana does. */
async function variableValues(
  prometheus: string,
  dashboard: DashboardJson,
  selection: Selection,
  window: Window,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {
    __rate_interval: RATE_INTERVAL,
    __interval: `${STEP_SECONDS}s`,
    __range: `${Math.ceil(window.end - window.start)}s`,
  };
  for (const variable of dashboard.templating.list ?? []) {
    assert.equal(variable.datasource?.uid, 'prometheus', `${dashboard.uid}: $${variable.name} comes from Prometheus`);
    const offered = await labelValues(prometheus, substitute(variableQuery(variable), values), window);
    assert.ok(offered.length > 0, `${dashboard.uid}: $${variable.name} offers values`);
    const chosen = selection === 'first value' || !variable.multi ? offered.slice(0, 1) : offered;
    values[variable.name] = selection === 'all' && variable.includeAll ? (variable.allValue ?? '.*') : regexOf(chosen);
  }
  return values;
}

const finite = (value: string) => Number.isFinite(Number(value));

/** True when a range query has a finite value at some step of `window`: what a graph or an annotation needs. */
async function rangeHasData(prometheus: string, promql: string, window: Window): Promise<boolean> {
  const series = await prometheusApi<{ result: Array<{ values: Array<[number, string]> }> }>(
    prometheus,
    '/api/v1/query_range',
    { query: promql, start: String(window.start), end: String(window.end), step: String(STEP_SECONDS) },
  );
  return series.result.some(({ values }) => values.some(([, value]) => finite(value)));
}

/** True when the query returns at least one finite value: what a panel needs to draw something. */
async function hasData(prometheus: string, query: DashboardQuery, promql: string, window: Window): Promise<boolean> {
  if (query.instant) {
    const samples = await prometheusApi<{ result: Array<{ value: [number, string] }> }>(prometheus, '/api/v1/query', {
      query: promql,
      time: String(window.end),
    });
    return samples.result.some(({ value }) => finite(value[1]));
  }
  return rangeHasData(prometheus, promql, window);
}

describe('dashboards against live data', () => {
  test("every PromQL query of every dashboard returns data after the Python demo's traffic", async (t) => {
    const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
    const alertmanagerBinary = requireTool(t, 'prometheus-alertmanager', 'apt-get install prometheus-alertmanager');
    if (prometheusBinary === undefined || alertmanagerBinary === undefined) return;

    // Two instances of the real service, tracing on so that exemplars carry trace ids.
    const receiver = await startOtlpReceiver(t);
    const services = await Promise.all(
      Array.from({ length: INSTANCES }, () =>
        startServer(
          t,
          { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
          { nodeArgs: ['--import', INSTRUMENTATION] },
        ),
      ),
    );
    const doubleAddress = await startMetricsDouble(t);
    const dir = scratchDir(t, 'stack-dashboards-');
    const alertmanager = await startAlertmanager(t, alertmanagerBinary, dir);

    // The shipped rules; only `for:` is cut to a second, so alerts fire (and annotate) within the test.
    mkdirSync(join(dir, 'rules'));
    writeFileSync(
      join(dir, 'rules', 'backend.yml'),
      readFileSync(repoPath(RULES), 'utf8').replace(/^(\s+)for: \S+$/gm, '$1for: 1s'),
    );
    const rules = join(dir, 'rules', '*.yml');
    const serviceTargets = services.map(({ url }) => new URL(url).host);
    const config = (self: string[]) =>
      testConfig(
        { backend: serviceTargets, prometheus: self, alertmanager: [alertmanager.address] },
        doubleAddress,
        alertmanager.address,
        rules,
      );
    // Prometheus scrapes itself, so its address goes into its configuration once it listens.
    const prometheus = await startPrometheus(t, prometheusBinary, dir, config([]), ['--web.enable-lifecycle']);
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config([new URL(prometheus).host])));
    assert.equal((await fetch(`${prometheus}/-/reload`, { method: 'POST' })).status, 200);

    await pollUntil(
      () => instantQuery(prometheus, 'up == 1'),
      (up) => up.length === INSTANCES + 2 + DOUBLES.length,
      { what: 'every target to be up', deadlineMs: DEADLINE_MS, intervalMs: POLL_MS },
    );
    const start = Date.now() / 1000;
    const send = (times: (kind: number) => number) =>
      Promise.all(
        services.flatMap(({ url }) =>
          SEED_MIX.flatMap(([path, kind]) =>
            Array.from({ length: times(kind) }, () => fetch(`${url}${path}`).then((res) => res.text())),
          ),
        ),
      );
    // One of each first: a counter's first scrape is its baseline, so rates only see what follows.
    const warmUp = await send(() => 1);
    await pollUntil(
      () => instantQuery(prometheus, `sum(${REQUEST_DURATION}_count)`),
      (counted) => Number(counted[0]?.value[1]) === warmUp.length,
      { what: 'the first requests to be scraped', deadlineMs: DEADLINE_MS, intervalMs: POLL_MS },
    );
    const sent = [...warmUp, ...(await send((times) => times))];
    // The window every query runs over: from before the traffic until a step at which the alert it raises fires.
    // The alert annotations are range queries, so an alert seen firing "now" is not enough: one of the window's
    // steps must fall after the rule evaluation that fired it.
    const { window } = await pollUntil(
      async () => {
        const window = { start: start - STEP_SECONDS, end: Date.now() / 1000 };
        return {
          window,
          counted: await instantQuery(prometheus, `sum(${REQUEST_DURATION}_count)`),
          burn: await instantQuery(prometheus, 'job:http_server_request_errors:ratio_rate1h'),
          firing: await rangeHasData(prometheus, FIRING_ERROR_ALERT, window),
        };
      },
      ({ counted, burn, firing }) => Number(counted[0]?.value[1]) === sent.length && burn.length > 0 && firing,
      {
        what: 'every request counted, the recording rules evaluated and an alert firing within the window',
        deadlineMs: DEADLINE_MS,
        intervalMs: POLL_MS,
      },
    );

    const empty: string[] = [];
    const provenBy = { real: 0, double: 0 };
    for (const { dashboard } of readDashboards()) {
      const promQueries = queriesOf(dashboard).filter(({ datasource }) => datasource === 'prometheus');
      if (promQueries.length === 0) continue;
      for (const selection of SELECTIONS) {
        const values = await variableValues(prometheus, dashboard, selection, window);
        for (const panelQuery of promQueries) {
          const promql = substitute(panelQuery.expr, values);
          const double = DOUBLED_METRIC.test(promql);
          if (!(await hasData(prometheus, panelQuery, promql, window))) {
            empty.push(`${dashboard.uid} / ${panelQuery.where} (${selection}): ${promql}`);
          }
          if (selection === 'all') {
            provenBy[double ? 'double' : 'real'] += 1;
            t.diagnostic(`${double ? 'TEST DOUBLE' : 'real'}: ${dashboard.uid} / ${panelQuery.where}`);
          }
        }
      }
    }
    assert.deepEqual(empty, [], 'queries that would show "No data"');

    // cAdvisor reports every container on the host; the container panels draw this stack's only.
    const containerQueries = readDashboards()
      .flatMap(({ dashboard }) => queriesOf(dashboard))
      .filter(({ expr }) => /\bcontainer_\w+\{/.test(expr));
    assert.ok(containerQueries.length > 0);
    const seriesNames = async (promql: string) =>
      (
        await prometheusApi<{ result: Array<{ metric: { name?: string } }> }>(prometheus, '/api/v1/query', {
          query: promql,
          time: String(window.end),
        })
      ).result.map(({ metric }) => metric.name ?? '');
    assert.ok((await seriesNames('container_cpu_usage_seconds_total')).includes('other-db-1'), 'the double has others');
    for (const panelQuery of containerQueries) {
      const names = await seriesNames(substitute(panelQuery.expr, { __rate_interval: RATE_INTERVAL }));
      assert.ok(names.length > 0, panelQuery.where);
      for (const name of names) assert.match(name, /^observability-demo-/, `${panelQuery.where}: ${name}`);
    }
    assert.ok(provenBy.real > provenBy.double, `most queries proven on real components: ${JSON.stringify(provenBy)}`);

    // Latency panels: the exemplars Grafana draws are in Prometheus, with the trace ids of the service's spans.
    const latency = readDashboards()
      .flatMap(({ dashboard }) => queriesOf(dashboard))
      .filter(({ exemplar }) => exemplar);
    assert.ok(latency.length > 0);
    const traceIds = new Set(receiver.spans().map(({ traceId }) => traceId));
    for (const panelQuery of latency) {
      const values = { job: '.*', instance: '.*', route: '.*', __rate_interval: RATE_INTERVAL };
      const found = await queryExemplars(prometheus, substitute(panelQuery.expr, values), window);
      const ids = found.flatMap(({ exemplars }) => exemplars.map(({ labels }) => labels.trace_id ?? ''));
      assert.ok(ids.length > 0, `${panelQuery.where}: exemplars`);
      assert.ok(
        ids.some((id) => traceIds.has(id)),
        `${panelQuery.where}: exemplar trace ids are the service's spans`,
      );
    }
  });
});
