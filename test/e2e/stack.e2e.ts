/**
 * Compose end-to-end: the whole stack of compose.yaml is up and the service has served the Python demo's
 * traffic mix. Every signal must have reached its store, and the stores must link up:
 * metrics → traces (exemplars), traces → logs (trace_id in the access line), logs → level labels.
 *
 * Needs Docker, so it runs in .github/workflows/compose-e2e.yml only:
 *   docker compose up -d --build --wait && <traffic> && node --test test/e2e/stack.e2e.ts
 * `npm test` does not pick it up: its glob matches `.test.ts` files only.
 *
 * Host ports come from the environment, then .env, then the stack's defaults, as in compose.
 * Ingestion lags (scrape intervals, batching, Alloy tailing), so every check polls with a deadline
 * (E2E_DEADLINE_MS, default 90 s) and, on timeout, reports the last answer it got.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { parse } from 'yaml';
import { STACK_CONTAINER_LABEL } from '../../dashboards/stack.ts';
import { parseDotEnv } from '../../scripts/health.ts';
import { pollUntil } from '../../support/poll.ts';

/** The compose service, Prometheus job, Loki `service_name` and OpenTelemetry `service.name` alike. */
const SERVICE = 'backend';
const DEADLINE_MS = Number(process.env.E2E_DEADLINE_MS ?? 90_000);
const POLL_INTERVAL_MS = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How far back the log and trace queries look: the whole run, with room to spare. */
const LOOKBACK_SECONDS = 30 * 60;
const MS_PER_SECOND = 1000;
const MAX_SHOWN_CHARS = 1500;
/** Subtests poll independently, so they wait for ingestion in parallel, not one after another. */
const CONCURRENT = { concurrency: true };

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOT_ENV_PATH = join(REPO_ROOT, '.env');
const dotEnv = existsSync(DOT_ENV_PATH) ? parseDotEnv(readFileSync(DOT_ENV_PATH, 'utf8')) : {};

function setting(variable: string, fallback: string): string {
  return process.env[variable] ?? dotEnv[variable] ?? fallback;
}

function baseUrl(portVariable: string, defaultPort: number): string {
  return `http://${setting('E2E_HOST', '127.0.0.1')}:${setting(portVariable, String(defaultPort))}`;
}

/** How many backend replicas the stack runs (`docker compose up --scale backend=N`). */
const REPLICAS = Number(setting('E2E_BACKEND_REPLICAS', '1'));
/** This stack's containers among every container cAdvisor reports on the host. */
const STACK_CONTAINERS = `${STACK_CONTAINER_LABEL}="true"`;

/** The services `docker compose up` starts: every one without a profile (traffic runs on demand). */
const COMPOSE_SERVICES = Object.entries(
  (
    parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { profiles?: string[] }>;
    }
  ).services,
)
  .filter(([, service]) => service.profiles === undefined)
  .map(([name]) => name)
  .sort();

/** The levels Alloy gives a line it could read one from (config.alloy); the rest are "unknown". */
const KNOWN_LEVELS = ['error', 'warn', 'info', 'debug'];

const URLS = {
  backend: baseUrl('BACKEND_PORT', 8080),
  prometheus: baseUrl('PROMETHEUS_PORT', 9090),
  alertmanager: baseUrl('ALERTMANAGER_PORT', 9093),
  loki: baseUrl('LOKI_PORT', 3100),
  tempo: baseUrl('TEMPO_PORT', 3200),
  grafana: baseUrl('GRAFANA_PORT', 3000),
};

const GRAFANA_AUTH = {
  authorization: `Basic ${Buffer.from(
    `${setting('GF_SECURITY_ADMIN_USER', 'admin')}:${setting('GF_SECURITY_ADMIN_PASSWORD', 'admin')}`,
  ).toString('base64')}`,
};

// ---------------------------------------------------------------------------------------------
// Polling and HTTP
// ---------------------------------------------------------------------------------------------

/** What one probe found: the value the check wanted, or why not (shown if the deadline passes). */
type Outcome<T> = { ok: true; value: T } | { ok: false; detail: string };

function pass<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

function fail(detail: string): Outcome<never> {
  return { ok: false, detail };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  return reason === undefined ? error.message : `${error.message} (${reason})`;
}

/** Probes until it passes; past the deadline, fails with the last thing the store answered. */
async function eventually<T>(what: string, probe: () => Promise<Outcome<T>>): Promise<T> {
  let last = 'no probe finished';
  const attempt = async (): Promise<Outcome<T>> => {
    try {
      const outcome = await probe();
      if (!outcome.ok) last = outcome.detail;
      return outcome;
    } catch (error) {
      last = `probe failed: ${errorText(error)}`;
      return fail(last);
    }
  };
  let outcome: Outcome<T>;
  try {
    outcome = await pollUntil(attempt, (result) => result.ok, {
      deadlineMs: DEADLINE_MS,
      intervalMs: POLL_INTERVAL_MS,
      what,
    });
  } catch (error) {
    throw new Error(`${errorText(error)}\nlast observation: ${last}`);
  }
  if (!outcome.ok) throw new Error(`${what}: ${outcome.detail}`);
  return outcome.value;
}

/** `eventually` for checks whose value nobody needs: what a test body returns. */
async function expectEventually<T>(what: string, probe: () => Promise<Outcome<T>>): Promise<void> {
  await eventually(what, probe);
}

interface Reply {
  url: string;
  status: number;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`GET ${url}: ${errorText(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { url, status: response.status, text, body };
}

function urlOf(base: string, path: string, params: Record<string, string | number> = {}): string {
  const url = new URL(path, base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}

function clip(text: string): string {
  return text.length <= MAX_SHOWN_CHARS ? text : `${text.slice(0, MAX_SHOWN_CHARS)}… (${text.length} chars)`;
}

/** A reply as a failure message shows it. */
function show(reply: Reply): string {
  return `GET ${reply.url} → HTTP ${reply.status}: ${clip(reply.text)}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / MS_PER_SECOND);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** A check that only needs a 200 (readiness endpoints). */
async function answersOk(url: string, headers: Record<string, string> = {}): Promise<Outcome<Reply>> {
  const reply = await get(url, headers);
  return reply.status === 200 ? pass(reply) : fail(show(reply));
}

// ---------------------------------------------------------------------------------------------
// Prometheus
// ---------------------------------------------------------------------------------------------

interface PrometheusEnvelope<T> {
  status?: string;
  data?: T;
  error?: string;
}

interface PrometheusSample {
  metric?: Record<string, string>;
  value?: [number, string];
}

async function instantQuery(expr: string): Promise<{ reply: Reply; samples: PrometheusSample[] }> {
  const reply = await get(urlOf(URLS.prometheus, '/api/v1/query', { query: expr }));
  const body = reply.body as PrometheusEnvelope<{ result?: PrometheusSample[] }> | undefined;
  return { reply, samples: body?.data?.result ?? [] };
}

/**
 * `expr` must return a sample greater than zero. On failure `diagnosis` is queried too, so the
 * message shows what Prometheus does hold (other labels, other jobs) rather than only "empty".
 */
async function positiveSample(expr: string, diagnosis: string): Promise<Outcome<number>> {
  const { reply, samples } = await instantQuery(expr);
  const value = Number(samples[0]?.value?.[1] ?? Number.NaN);
  if (value > 0) return pass(value);
  const seen = await instantQuery(diagnosis);
  return fail(`${expr} gave ${clip(JSON.stringify(samples))} (${show(reply)}); ${diagnosis} gave ${show(seen.reply)}`);
}

interface PrometheusTarget {
  labels?: Record<string, string>;
  scrapeUrl?: string;
  health?: string;
  lastError?: string;
}

interface Exemplar {
  labels?: Record<string, string>;
  value?: string;
  timestamp?: number;
}

// ---------------------------------------------------------------------------------------------
// Loki
// ---------------------------------------------------------------------------------------------

interface LogLine {
  labels: Record<string, string>;
  line: string;
}

interface LokiStream {
  stream?: Record<string, string>;
  values?: [string, string][];
}

/** The lines a LogQL log query returns over the lookback window, newest first. */
async function logLines(query: string): Promise<{ reply: Reply; lines: LogLine[] }> {
  const endMs = Date.now();
  const startMs = endMs - LOOKBACK_SECONDS * MS_PER_SECOND;
  const reply = await get(
    urlOf(URLS.loki, '/loki/api/v1/query_range', {
      query,
      // Nanosecond Unix epochs, as the query_range API takes them.
      start: `${startMs}000000`,
      end: `${endMs}000000`,
      limit: 1000,
      direction: 'backward',
    }),
  );
  const body = reply.body as PrometheusEnvelope<{ resultType?: string; result?: LokiStream[] }> | undefined;
  const lines = (body?.data?.result ?? []).flatMap(({ stream = {}, values = [] }) =>
    values.map(([, line]) => ({ labels: stream, line })),
  );
  return { reply, lines };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Tempo
// ---------------------------------------------------------------------------------------------

interface TraceSummary {
  traceID?: string;
  rootServiceName?: string;
  rootTraceName?: string;
}

async function searchTraces(traceql: string): Promise<{ reply: Reply; traces: TraceSummary[] }> {
  const end = nowSeconds();
  // With start and end Tempo searches its backend blocks as well as the live store.
  const reply = await get(
    urlOf(URLS.tempo, '/api/search', { q: traceql, start: end - LOOKBACK_SECONDS, end, limit: 20 }),
  );
  return { reply, traces: (reply.body as { traces?: TraceSummary[] } | undefined)?.traces ?? [] };
}

/**
 * Tempo's search answers trace IDs without their leading zeros (grafana/tempo#4723); the
 * service logs the 32-digit lowercase form of the W3C/OpenTelemetry IDs.
 */
function fullTraceId(id: string): string {
  return id.toLowerCase().padStart(32, '0');
}

interface OtlpAttribute {
  key?: string;
  value?: { stringValue?: string };
}

interface OtlpResourceSpans {
  resource?: { attributes?: OtlpAttribute[] };
  scopeSpans?: { spans?: unknown[] }[];
  instrumentationLibrarySpans?: { spans?: unknown[] }[];
}

/** GET /api/traces/<id>: found, with spans whose resource is the service. */
async function traceById(traceId: string): Promise<Outcome<{ spans: number; services: string[] }>> {
  const reply = await get(`${URLS.tempo}/api/traces/${traceId}`);
  if (reply.status !== 200) return fail(show(reply));
  // OTLP JSON: Tempo answers `batches`; accept the OTLP and v2 spellings too.
  const body = reply.body as
    | {
        batches?: OtlpResourceSpans[];
        resourceSpans?: OtlpResourceSpans[];
        trace?: { resourceSpans?: OtlpResourceSpans[] };
      }
    | undefined;
  const resourceSpans = body?.batches ?? body?.resourceSpans ?? body?.trace?.resourceSpans ?? [];
  const services = unique(
    resourceSpans.flatMap(
      (batch) =>
        batch.resource?.attributes?.filter((a) => a.key === 'service.name').map((a) => a.value?.stringValue ?? '') ??
        [],
    ),
  );
  const spans = resourceSpans
    .flatMap((batch) => [...(batch.scopeSpans ?? []), ...(batch.instrumentationLibrarySpans ?? [])])
    .reduce((total, scope) => total + (scope.spans?.length ?? 0), 0);
  if (spans > 0 && services.includes(SERVICE)) return pass({ spans, services });
  return fail(`trace ${traceId}: ${spans} spans, service.name ${JSON.stringify(services)}; ${show(reply)}`);
}

// ---------------------------------------------------------------------------------------------
// Grafana
// ---------------------------------------------------------------------------------------------

/**
 * The provisioned data sources (fixed UIDs, see observability/grafana/provisioning/datasources).
 * Prometheus and Loki answer Grafana's backend health check. Tempo's and Alertmanager's plugins
 * have none (their "Save & test" runs in the browser: Tempo GETs /api/echo, Alertmanager
 * /api/v2/status, both through Grafana's data source proxy), so for them the same request is
 * made through the same proxy when the health endpoint does not answer OK.
 */
const DATASOURCES: { uid: string; proxyProbe?: string }[] = [
  { uid: 'prometheus' },
  { uid: 'loki' },
  { uid: 'tempo', proxyProbe: '/api/echo' },
  { uid: 'alertmanager', proxyProbe: '/api/v2/status' },
];

async function datasourceWorks(uid: string, proxyProbe: string | undefined): Promise<Outcome<string>> {
  const health = await get(`${URLS.grafana}/api/datasources/uid/${uid}/health`, GRAFANA_AUTH);
  const status = (health.body as { status?: string } | undefined)?.status;
  if (health.status === 200 && status === 'OK') return pass(`health check: ${health.text}`);
  // A health check that ran and failed is a failure, whatever the proxy says.
  if (proxyProbe === undefined || status === 'ERROR') return fail(show(health));
  const proxied = await get(`${URLS.grafana}/api/datasources/proxy/uid/${uid}${proxyProbe}`, GRAFANA_AUTH);
  if (proxied.status === 200) return pass(`no backend health check (${health.status}); proxy ${proxyProbe} → 200`);
  return fail(`${show(health)}; then ${show(proxied)}`);
}

interface DashboardFile {
  file: string;
  uid?: string;
  title?: string;
}

/** The dashboards the repository provisions (generated by a later change; none is fine). */
function provisionedDashboards(): DashboardFile[] {
  const dir = join(REPO_ROOT, 'observability', 'grafana', 'dashboards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { uid?: string; title?: string };
      return { file, uid: json.uid, title: json.title };
    });
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

describe('compose stack end to end', CONCURRENT, () => {
  test('the service is ready', () => expectEventually('backend /readyz', () => answersOk(`${URLS.backend}/readyz`)));

  describe('Prometheus', CONCURRENT, () => {
    test('scrapes the backend target, and it is up', () =>
      expectEventually(`an active target with job="${SERVICE}" and health "up"`, async () => {
        const reply = await get(urlOf(URLS.prometheus, '/api/v1/targets', { state: 'active' }));
        const body = reply.body as PrometheusEnvelope<{ activeTargets?: PrometheusTarget[] }> | undefined;
        const targets = body?.data?.activeTargets ?? [];
        const backend = targets.filter((target) => target.labels?.job === SERVICE);
        if (backend.length > 0 && backend.every((target) => target.health === 'up')) return pass(backend);
        if (backend.length === 0) {
          const jobs = unique(targets.map((target) => target.labels?.job));
          return fail(`no active target with job="${SERVICE}"; jobs: ${JSON.stringify(jobs)}; ${show(reply)}`);
        }
        return fail(
          `backend targets: ${JSON.stringify(backend.map(({ scrapeUrl, health, lastError }) => ({ scrapeUrl, health, lastError })))}`,
        );
      }));

    const SERIES_BY_STATUS = `count by (http_route, http_response_status_code) (${REQUEST_DURATION}_count{job="${SERVICE}"})`;
    const expectations = [
      {
        name: 'counts the requests the backend served',
        expr: `sum(${REQUEST_DURATION}_count{job="${SERVICE}"})`,
        diagnosis: SERIES_BY_STATUS,
      },
      {
        name: 'counts the 500s of the traffic under their status code',
        expr: `sum(${REQUEST_DURATION}_count{job="${SERVICE}", http_response_status_code="500"})`,
        diagnosis: SERIES_BY_STATUS,
      },
    ];
    for (const { name, expr, diagnosis } of expectations) {
      test(name, () => expectEventually(`${expr} > 0`, () => positiveSample(expr, diagnosis)));
    }

    // Alloy's cAdvisor, remote-written: allowlisted labels become container_label_*, and this stack's
    // containers are the ones with its collect-logs label (the Stack dashboard's selector). No job
    // matcher: exporter targets carry job="integrations/cadvisor" before the scrape's job_name. Empty
    // when cAdvisor cannot dial containerd: its Docker factory is then not registered at all
    // (compose.yaml, alloy).
    for (const metric of ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes']) {
      const expr = `count by (container_label_com_docker_compose_service) (${metric}{${STACK_CONTAINERS}})`;
      test(`holds ${metric} for every compose service: ${COMPOSE_SERVICES.join(', ')}`, () =>
        expectEventually(`${expr} covering ${COMPOSE_SERVICES.length} services`, async () => {
          const { reply, samples } = await instantQuery(expr);
          const seen = samples.map(({ metric }) => metric?.container_label_com_docker_compose_service ?? '');
          const missing = COMPOSE_SERVICES.filter((service) => !seen.includes(service));
          if (missing.length === 0) return pass(seen);
          const all = await instantQuery(
            `count by (job, name, container_label_com_docker_compose_service) (${metric})`,
          );
          return fail(`missing ${missing.join(', ')}; ${show(reply)}; every series: ${show(all.reply)}`);
        }));
    }

    // The Stack dashboard draws one line per container, by cAdvisor's name label (the Docker name).
    test(`names each of the ${REPLICAS} backend container(s) in container_cpu_usage_seconds_total`, () =>
      expectEventually(`${REPLICAS} named backend containers`, async () => {
        const expr = `count by (name) (container_cpu_usage_seconds_total{${STACK_CONTAINERS}, container_label_com_docker_compose_service="${SERVICE}", name!=""})`;
        const { reply, samples } = await instantQuery(expr);
        const names = samples.map(({ metric }) => metric?.name ?? '');
        if (unique(names).length === REPLICAS && names.every((name) => name.includes(SERVICE))) return pass(names);
        const all = await instantQuery(
          `count by (name, id) (container_cpu_usage_seconds_total{container_label_com_docker_compose_service="${SERVICE}"})`,
        );
        return fail(`want ${REPLICAS} names: ${show(reply)}; the backend's series: ${show(all.reply)}`);
      }));

    test(`finds all ${REPLICAS} backend replica(s) by DNS, each up, each serving requests through the load balancer`, () =>
      expectEventually(`${REPLICAS} instances of job="${SERVICE}" with requests counted`, async () => {
        const expr = `sum by (instance) (${REQUEST_DURATION}_count{job="${SERVICE}"})`;
        const { reply, samples } = await instantQuery(expr);
        const up = await instantQuery(`up{job="${SERVICE}"} == 1`);
        const serving = samples.filter(({ value }) => Number(value?.[1]) > 0).map(({ metric }) => metric?.instance);
        if (up.samples.length === REPLICAS && unique(serving).length === REPLICAS) return pass(serving);
        return fail(
          `${up.samples.length} up, ${serving.length} serving, want ${REPLICAS}: ${show(reply)}; ${show(up.reply)}`,
        );
      }));

    test('sends alerts to the configured Alertmanager', () =>
      expectEventually('an active Alertmanager at alertmanager:9093', async () => {
        const reply = await get(`${URLS.prometheus}/api/v1/alertmanagers`);
        const body = reply.body as PrometheusEnvelope<{ activeAlertmanagers?: { url?: string }[] }> | undefined;
        const active = body?.data?.activeAlertmanagers ?? [];
        return active.some((am) => am.url?.includes('alertmanager:9093')) ? pass(active) : fail(show(reply));
      }));

    test('metrics → traces: a histogram exemplar carries the trace_id of a trace Tempo holds', async () => {
      const selector = `${REQUEST_DURATION}_bucket{job="${SERVICE}"}`;
      const traceId = await eventually(`an exemplar with trace_id on ${selector}`, async () => {
        const end = nowSeconds();
        const reply = await get(
          urlOf(URLS.prometheus, '/api/v1/query_exemplars', { query: selector, start: end - LOOKBACK_SECONDS, end }),
        );
        const body = reply.body as PrometheusEnvelope<{ exemplars?: Exemplar[] }[]> | undefined;
        const exemplars = (body?.data ?? []).flatMap((series) => series.exemplars ?? []);
        const newest = exemplars
          .filter((exemplar) => exemplar.labels?.trace_id !== undefined)
          .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))[0];
        return newest?.labels?.trace_id === undefined ? fail(show(reply)) : pass(newest.labels.trace_id);
      });
      assert.match(traceId, /^[0-9a-f]{32}$/, `exemplar trace_id ${traceId} is not 32 lowercase hex digits`);
      await eventually(`Tempo trace ${traceId} (from the exemplar)`, () => traceById(traceId));
    });
  });

  describe('Loki', CONCURRENT, () => {
    test(`stores the service's JSON lines under service_name="${SERVICE}"`, () =>
      expectEventually(`a line of {service_name="${SERVICE}"} with "service":"${SERVICE}"`, async () => {
        const { reply, lines } = await logLines(`{service_name="${SERVICE}"}`);
        const own = lines.find(({ line }) => parseLine(line)?.service === SERVICE);
        return own === undefined ? fail(`${lines.length} lines, none from the service; ${show(reply)}`) : pass(own);
      }));

    // JSON for the service, logfmt for the Prometheus and Grafana components, "[NOTICE]" for HAProxy:
    // Alloy reads a level from each, so every service's lines can be filtered by level.
    test(`labels the lines of every compose service with a level: ${COMPOSE_SERVICES.join(', ')}`, () =>
      expectEventually(`a stream with a known level for each of ${COMPOSE_SERVICES.length} services`, async () => {
        const endMs = Date.now();
        const reply = await get(
          urlOf(URLS.loki, '/loki/api/v1/series', {
            'match[]': `{level=~"${KNOWN_LEVELS.join('|')}"}`,
            start: `${endMs - LOOKBACK_SECONDS * MS_PER_SECOND}000000`,
            end: `${endMs}000000`,
          }),
        );
        const streams = (reply.body as { data?: Record<string, string>[] } | undefined)?.data ?? [];
        const labelled = unique(streams.map((stream) => stream.service_name ?? ''));
        const missing = COMPOSE_SERVICES.filter((service) => !labelled.includes(service));
        return missing.length === 0
          ? pass(labelled)
          : fail(`no levelled lines from ${missing.join(', ')}; ${show(reply)}`);
      }));

    test(`knows no level beyond ${[...KNOWN_LEVELS, 'unknown'].join(', ')}: one vocabulary for every component`, () =>
      expectEventually('the values of the level label', async () => {
        const endMs = Date.now();
        const reply = await get(
          urlOf(URLS.loki, '/loki/api/v1/label/level/values', {
            start: `${endMs - LOOKBACK_SECONDS * MS_PER_SECOND}000000`,
            end: `${endMs}000000`,
          }),
        );
        const values = (reply.body as { data?: string[] } | undefined)?.data ?? [];
        const strange = values.filter((value) => ![...KNOWN_LEVELS, 'unknown'].includes(value));
        if (values.length > 0 && strange.length === 0) return pass(values);
        return fail(`level values ${JSON.stringify(values)}, unexpected ${JSON.stringify(strange)}; ${show(reply)}`);
      }));

    // Alloy turns the line's `level` word into a stream label; 5xx log at error, 4xx at warn.
    const levels = [
      { level: 'error', status: 500 },
      { level: 'warn', status: 409 },
    ];
    for (const { level, status } of levels) {
      const query = `{service_name="${SERVICE}", level="${level}"}`;
      test(`labels the ${status} access lines level="${level}"`, () =>
        expectEventually(`a line of ${query} with "http_response_status_code":${status}`, async () => {
          const { reply, lines } = await logLines(query);
          const match = lines.find(({ line }) => line.includes(`"http_response_status_code":${status}`));
          return match === undefined ? fail(`${lines.length} lines, none for ${status}; ${show(reply)}`) : pass(match);
        }));
    }
  });

  describe('Tempo', CONCURRENT, () => {
    test(`finds the service's traces with TraceQL`, () =>
      expectEventually(`a trace for {resource.service.name="${SERVICE}"}`, async () => {
        const { reply, traces } = await searchTraces(`{resource.service.name="${SERVICE}"}`);
        return traces.length > 0 ? pass(traces) : fail(show(reply));
      }));

    test('traces → logs: a 5xx trace, fetched by id, has its trace_id in its error access line', async () => {
      // Error traces are the /status/500 requests: each has exactly one access line, at error.
      const traceql = `{resource.service.name="${SERVICE}" && status=error}`;
      const linked = await eventually(
        `an error trace whose trace_id is in a line of {service_name="${SERVICE}"}`,
        async () => {
          const { reply, traces } = await searchTraces(traceql);
          const ids = unique(
            traces.flatMap((trace) => (trace.traceID === undefined ? [] : [fullTraceId(trace.traceID)])),
          );
          if (ids.length === 0) return fail(`no trace for ${traceql} yet; ${show(reply)}`);
          const logs = await logLines(`{service_name="${SERVICE}"} |~ "${ids.join('|')}"`);
          for (const { labels, line } of logs.lines) {
            const traceId = ids.find((id) => parseLine(line)?.trace_id === id);
            if (traceId !== undefined) return pass({ traceId, labels, line });
          }
          return fail(
            `none of the ${ids.length} error traces (${ids.slice(0, 3).join(', ')}, …) is in a log line; ${show(logs.reply)}`,
          );
        },
      );
      assert.equal(
        linked.labels.level,
        'error',
        `the line of trace ${linked.traceId} is not labelled level="error": ${linked.line}`,
      );
      assert.match(linked.line, /"http_response_status_code":5\d\d/, `not a 5xx access line: ${linked.line}`);
      await eventually(`Tempo trace ${linked.traceId} by id`, () => traceById(linked.traceId));
    });
  });

  describe('Grafana', CONCURRENT, () => {
    test('is healthy, its database ok', () =>
      expectEventually('/api/health with "database":"ok"', async () => {
        const reply = await get(`${URLS.grafana}/api/health`);
        const database = (reply.body as { database?: string } | undefined)?.database;
        return reply.status === 200 && database === 'ok' ? pass(reply) : fail(show(reply));
      }));

    test('lists the provisioned data sources by their fixed UIDs', () =>
      expectEventually(`data sources ${DATASOURCES.map(({ uid }) => uid).join(', ')}`, async () => {
        const reply = await get(`${URLS.grafana}/api/datasources`, GRAFANA_AUTH);
        const listed = ((reply.body as { uid?: string }[] | undefined) ?? []).map((ds) => ds.uid);
        const missing = DATASOURCES.filter(({ uid }) => !listed.includes(uid)).map(({ uid }) => uid);
        return reply.status === 200 && missing.length === 0
          ? pass(listed)
          : fail(`missing ${missing.join(', ')}; ${show(reply)}`);
      }));

    for (const { uid, proxyProbe } of DATASOURCES) {
      test(`data source "${uid}" reaches its store`, () =>
        expectEventually(`Grafana data source ${uid} working`, () => datasourceWorks(uid, proxyProbe)));
    }

    test("loads the repository's dashboards", async () => {
      const expected = provisionedDashboards();
      await expectEventually(
        `dashboards ${JSON.stringify(expected.map(({ file }) => file))} in /api/search`,
        async () => {
          const reply = await get(urlOf(URLS.grafana, '/api/search', { type: 'dash-db' }), GRAFANA_AUTH);
          if (reply.status !== 200 || !Array.isArray(reply.body)) return fail(show(reply));
          const found = reply.body as { uid?: string; title?: string }[];
          // By uid when the file fixes one; Grafana makes one up otherwise, so by title then.
          const missing = expected.filter((dashboard) =>
            dashboard.uid === undefined
              ? !found.some(({ title }) => title === dashboard.title)
              : !found.some(({ uid }) => uid === dashboard.uid),
          );
          return missing.length === 0 ? pass(found) : fail(`missing ${JSON.stringify(missing)}; ${show(reply)}`);
        },
      );
    });
  });

  describe('Alertmanager', CONCURRENT, () => {
    test('is ready', () => expectEventually('Alertmanager /-/ready', () => answersOk(`${URLS.alertmanager}/-/ready`)));

    test('reports its status with the repository configuration', () =>
      expectEventually('/api/v2/status with the "default" receiver', async () => {
        const reply = await get(`${URLS.alertmanager}/api/v2/status`);
        const body = reply.body as { config?: { original?: string }; versionInfo?: { version?: string } } | undefined;
        const configured = body?.config?.original?.includes('receiver: default') === true;
        return reply.status === 200 && configured && body?.versionInfo?.version !== undefined
          ? pass(body)
          : fail(show(reply));
      }));
  });
});
