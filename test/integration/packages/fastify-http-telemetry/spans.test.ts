import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  ACTIVE_REQUESTS,
  CLIENT_CLOSED_REQUEST,
  REQUEST_DURATION,
  startTracing,
  tracingEnabled,
} from 'fastify-http-telemetry';
import { pollUntil } from '../../../../support/poll.ts';
import type { LogLine } from '../../../helpers/app.ts';
import { parseExposition, type Sample, sumOf } from '../../../helpers/exposition.ts';
import { type FinishedSpan, FinishedSpans } from '../../../helpers/finished-spans.ts';

// The SDK must be running before Fastify is created, so the app is imported only afterwards.
// Each test file runs in its own process: this provider stays out of the other tests.
const finished = new FinishedSpans();
await startTracing({ spanProcessors: [finished] });
const { buildTestApp } = await import('../../../helpers/app.ts');

const STATUS_ROUTE = '/status/{status_code}';
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0';
const DURATION_BUCKET = `${REQUEST_DURATION}_bucket`;
const TRACE_ID_EXEMPLAR = /^\{trace_id="([0-9a-f]{32})"\} /;

/** The real app on a free port: spans, abort and scrapes as a client meets them over HTTP. */
async function serve(t: TestContext, addRoutes?: (app: Awaited<ReturnType<typeof buildTestApp>>['app']) => void) {
  finished.reset();
  const { app, logs } = await buildTestApp(t);
  addRoutes?.(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, logs };
}

async function get(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

function spans(): FinishedSpan[] {
  return finished.spans;
}

function parentOf(span: FinishedSpan): FinishedSpan | undefined {
  return spans().find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
}

/** The server span of the request to `path`, once it has ended (after the response, when it closes). */
function rootSpan(path: string): Promise<FinishedSpan | undefined> {
  return pollUntil(
    () => spans().find((span) => span.kind === SpanKind.SERVER && span.attributes['url.path'] === path),
    Boolean,
    { what: `the server span of ${path}` },
  );
}

async function scrape(url: string, accept = 'text/plain'): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, { headers: { accept } });
  return parseExposition(await res.text());
}

/** The trace ids in the exemplars of the duration buckets of one status code. */
function exemplarTraceIds(samples: Sample[], status: string): string[] {
  return samples
    .filter((s) => s.name === DURATION_BUCKET && s.labels.http_response_status_code === status)
    .flatMap((s) => (s.exemplar === undefined ? [] : [TRACE_ID_EXEMPLAR.exec(s.exemplar)?.[1] ?? s.exemplar]));
}

function accessLine(logs: LogLine[], path: string): LogLine | undefined {
  return logs.find((line) => line.url_path === path && line.msg.startsWith('request '));
}

describe('tracingEnabled', () => {
  const cases: Array<[NodeJS.ProcessEnv, boolean]> = [
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318', OTEL_SDK_DISABLED: 'false' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ' ' }, false],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces', OTEL_SDK_DISABLED: 'TRUE' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alloy:4318', OTEL_TRACES_EXPORTER: 'otlp' }, true],
  ];
  for (const [env, expected] of cases) {
    test(`${expected ? 'on' : 'off'} for ${JSON.stringify(env)}`, () => {
      assert.equal(tracingEnabled(env), expected);
    });
  }
});

describe('request spans', () => {
  const ROUTED = `GET ${STATUS_ROUTE}`;
  // path, span name, http.route, status, server span ERROR, an error thrown (an exception event)
  const cases: Array<[string, string, string | undefined, number, boolean, boolean]> = [
    ['/', 'GET /', '/', 200, false, false],
    ['/status/200', ROUTED, STATUS_ROUTE, 200, false, false],
    ['/status/404', ROUTED, STATUS_ROUTE, 404, false, false],
    // The thrown validation error is an event; the status follows the HTTP conventions (5xx only).
    ['/status/abc', ROUTED, STATUS_ROUTE, 400, false, true],
    ['/status/500', ROUTED, STATUS_ROUTE, 500, true, false],
    ['/status/503', ROUTED, STATUS_ROUTE, 503, true, false],
    // No route matched: the method alone, as the HTTP conventions say.
    ['/no/such/route', 'GET', undefined, 404, false, false],
  ];
  const statusOf = (error: boolean) => (error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
  for (const [path, name, route, status, serverError, thrown] of cases) {
    test(`${path} → "${name}", ${serverError ? 'ERROR' : 'not an error'}`, async (t) => {
      const { url } = await serve(t);
      assert.equal(await get(`${url}${path}`), status);
      const root = await rootSpan(path);
      assert.ok(root);
      assert.equal(root.name, name);
      assert.equal(root.parentSpanContext, undefined);
      assert.equal(root.attributes['http.route'], route);
      assert.equal(root.attributes['http.response.status_code'], status);
      assert.equal(root.status.code, statusOf(serverError));

      assert.deepEqual(
        root.events.map((event) => event.name),
        thrown ? ['exception'] : [],
      );
      // The service leaves out Fastify's `request` span (the plugin's `requestSpan` option).
      assert.equal(
        spans().find((span) => span.name === 'request'),
        undefined,
      );
      const traceIds = new Set(spans().map((span) => span.spanContext().traceId));
      assert.deepEqual([...traceIds], [root.spanContext().traceId], 'one trace for one request');
    });
  }

  test('the sleep is a child span, inside the handler of the request', async (t) => {
    const { url } = await serve(t);
    assert.equal(await get(`${url}/status/200?seconds_sleep=0.05`), 200);
    const root = await rootSpan('/status/200');
    assert.ok(root);
    const sleep = spans().find((span) => span.name === 'sleep');
    assert.ok(sleep);
    assert.equal(sleep.attributes['sleep.seconds'], 0.05);
    const ancestry: string[] = [];
    for (let span: FinishedSpan | undefined = sleep; span !== undefined; span = parentOf(span))
      ancestry.push(span.name);
    assert.deepEqual(ancestry, ['sleep', `handler - ${STATUS_ROUTE}`, `GET ${STATUS_ROUTE}`]);
    const durationMs = sleep.duration[0] * 1000 + sleep.duration[1] / 1e6;
    assert.ok(durationMs >= 45, `the span covers the wait (${durationMs} ms)`);
  });

  test('a caller’s trace context is continued', async (t) => {
    const { url } = await serve(t);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await get(`${url}/status/200`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    const root = await rootSpan('/status/200');
    assert.equal(root?.spanContext().traceId, traceId);
    assert.equal(root?.parentSpanContext?.spanId, parentId);
  });

  test('scrapes and probes are not traced, with or without a query string', async (t) => {
    const { url } = await serve(t);
    // The routes marked `telemetry: false`: the same opt-out that keeps them out of the metrics.
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.equal(await get(`${url}${path}`), 200);
      assert.equal(await get(`${url}${path}?probe=1`), 200);
    }
    // A traced request afterwards: once its spans are in, any earlier request's would be too.
    await get(`${url}/`);
    const root = await rootSpan('/');
    assert.deepEqual(
      new Set(spans().map((span) => span.spanContext().traceId)),
      new Set([root?.spanContext().traceId]),
    );
  });
});

describe('trace context in logs and exemplars', () => {
  test('the access line carries the server span’s trace_id and span_id; lines outside requests carry none', async (t) => {
    const { url, logs } = await serve(t);
    for (const path of ['/status/201', '/status/502']) await get(`${url}${path}`);
    for (const path of ['/status/201', '/status/502']) {
      const root = await rootSpan(path);
      const line = accessLine(logs, path);
      assert.ok(root && line);
      assert.equal(line.trace_id, root.spanContext().traceId);
      assert.equal(line.span_id, root.spanContext().spanId);
      assert.match(String(line.trace_id), /^[0-9a-f]{32}$/);
      assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
    }
    const listening = logs.find((line) => line.msg.startsWith('Server listening'));
    assert.ok(listening);
    assert.equal('trace_id' in listening, false);
    assert.equal('span_id' in listening, false);
  });

  test('a thrown error is logged once, on the access line of its trace, and recorded on the spans', async (t) => {
    const { url, logs } = await serve(t, (app) => {
      app.get('/boom', async () => {
        throw new Error('database unreachable');
      });
    });
    assert.equal(await get(`${url}/boom`), 500);
    const root = await rootSpan('/boom');
    const line = await pollUntil(() => accessLine(logs, '/boom'), Boolean, { what: 'the access line' });
    assert.ok(root && line);
    const withStack = logs.filter((l) => typeof (l.err as { stack?: unknown } | undefined)?.stack === 'string');
    assert.deepEqual(withStack, [line], 'the access line is the one line with the stack');
    assert.equal(line.level, 'error');
    assert.equal((line.err as { message: string }).message, 'database unreachable');
    assert.equal(line.trace_id, root.spanContext().traceId);
    assert.equal(line.span_id, root.spanContext().spanId);
    const handler = spans().find((span) => span.name.startsWith('handler - '));
    assert.equal(handler?.events[0]?.name, 'exception');
    assert.equal(handler?.status.code, SpanStatusCode.ERROR);
  });

  test('a client that leaves mid-sleep: the abort line and its observation keep the trace', async (t) => {
    const { url, logs } = await serve(t);
    const leaving = new AbortController();
    const request = fetch(`${url}/status/200?seconds_sleep=30`, { signal: leaving.signal }).catch(() => undefined);
    await pollUntil(
      async () => sumOf(await scrape(url), ACTIVE_REQUESTS),
      (active) => active === 1,
      { what: 'the request to be sleeping' },
    );
    leaving.abort();
    await request;

    const line = await pollUntil(() => accessLine(logs, '/status/200'), Boolean, { what: 'the abort line' });
    const root = await rootSpan('/status/200');
    assert.ok(line && root);
    assert.equal(line.msg, 'request aborted by client');
    assert.equal(line.trace_id, root.spanContext().traceId);
    assert.equal(line.span_id, root.spanContext().spanId);
    const sleep = spans().find((span) => span.name === 'sleep');
    assert.equal(sleep?.attributes['sleep.interrupted'], true);
    assert.deepEqual(exemplarTraceIds(await scrape(url, OPENMETRICS), String(CLIENT_CLOSED_REQUEST)), [
      root.spanContext().traceId,
    ]);
  });

  test('the duration histogram’s OpenMetrics exemplar names the request’s trace', async (t) => {
    const { url } = await serve(t);
    await get(`${url}/status/202`);
    const root = await rootSpan('/status/202');
    assert.ok(root);
    assert.deepEqual(exemplarTraceIds(await scrape(url, OPENMETRICS), '202'), [root.spanContext().traceId]);
    // Prometheus text has no exemplars; the same observation is there without one.
    assert.deepEqual(exemplarTraceIds(await scrape(url), '202'), []);
  });

  test('a trace the caller did not sample: no span, no exemplar, but the log line still names the trace', async (t) => {
    const { url, logs } = await serve(t);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await get(`${url}/status/203`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-00` } });
    const line = await pollUntil(() => accessLine(logs, '/status/203'), Boolean, { what: 'the access line' });
    assert.equal(line?.trace_id, traceId);
    const samples = await scrape(url, OPENMETRICS);
    assert.ok(samples.some((s) => s.labels.http_response_status_code === '203'));
    assert.deepEqual(exemplarTraceIds(samples, '203'), [], 'no exemplar points at a trace that is not stored');
    // A sampled request afterwards: once its spans are in, any of the first request's would be too.
    await get(`${url}/`);
    const root = await rootSpan('/');
    assert.deepEqual(
      new Set(spans().map((span) => span.spanContext().traceId)),
      new Set([root?.spanContext().traceId]),
    );
  });
});
