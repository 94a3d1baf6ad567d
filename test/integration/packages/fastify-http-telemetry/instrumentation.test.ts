import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import packageJson from '../../../../package.json' with { type: 'json' };
import { pollUntil } from '../../../../support/poll.ts';
import type { LogLine } from '../../../helpers/app.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../../helpers/otlp-receiver.ts';
import { INSTRUMENTATION, type ServerProcess, startServer } from '../../../helpers/server-process.ts';

/** As `npm start` runs the service. */
const WITH_INSTRUMENTATION = { nodeArgs: ['--import', INSTRUMENTATION] };
const STATUS_ROUTE_SPAN = 'GET /status/{status_code}';
const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;
/** Short, so the batch leaves soon after the requests. */
const QUICK_BATCH_MS = '50';
/** Far beyond the test: a span that arrives can only have come from the shutdown flush. */
const HELD_BATCH_MS = '60000';
const SERVICE = 'tracing-test';

async function get(server: ServerProcess, path: string): Promise<number> {
  const res = await fetch(`${server.url}${path}`);
  await res.arrayBuffer();
  return res.status;
}

function accessLine(server: ServerProcess, path: string): LogLine | undefined {
  return server.logs.find((line) => line.msg === 'request completed' && line.url_path === path);
}

function serverSpan(receiver: OtlpReceiver, traceId: unknown): ReceivedSpan | undefined {
  return receiver.spans().find((span) => span.traceId === traceId && span.parentSpanId === undefined);
}

describe('tracing over the wire (OTLP/HTTP to a local receiver)', () => {
  test('request spans arrive as OTLP JSON at /v1/traces, with the resource and the log lines’ trace ids', async (t) => {
    const receiver = await startOtlpReceiver(t);
    const server = await startServer(
      t,
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: QUICK_BATCH_MS,
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_RESOURCE_ATTRIBUTES: `service.version=${packageJson.version}`,
      },
      WITH_INSTRUMENTATION,
    );
    // Not traffic first: if these were traced, their spans would travel in the same batches.
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.equal(await get(server, path), 200);
    assert.equal(await get(server, '/status/200?seconds_sleep=0.05'), 200);
    assert.equal(await get(server, '/status/503'), 503);

    const sleeping = await pollUntil(() => accessLine(server, '/status/200'), Boolean, { what: 'the access line' });
    const failing = await pollUntil(() => accessLine(server, '/status/503'), Boolean, { what: 'the access line' });
    const [okRoot, errorRoot] = await pollUntil(
      () => [serverSpan(receiver, sleeping?.trace_id), serverSpan(receiver, failing?.trace_id)],
      (roots) => roots.every(Boolean),
      { what: 'both server spans at the receiver' },
    );

    assert.ok(receiver.exports.length > 0);
    for (const { method, path, contentType } of receiver.exports) {
      assert.deepEqual(
        { method, path, contentType },
        { method: 'POST', path: '/v1/traces', contentType: 'application/json' },
      );
    }
    for (const [root, line, status] of [
      [okRoot, sleeping, 200],
      [errorRoot, failing, 503],
    ] as const) {
      assert.ok(root && line);
      assert.equal(root.name, STATUS_ROUTE_SPAN);
      assert.equal(root.kind, SPAN_KIND_SERVER);
      assert.equal(root.attributes['http.route'], '/status/{status_code}');
      assert.equal(root.attributes['http.response.status_code'], status);
      assert.equal(root.statusCode, status >= 500 ? STATUS_ERROR : 0);
      assert.equal(line.span_id, root.spanId, 'the access line names the server span');
      assert.match(root.traceId, /^[0-9a-f]{32}$/);
    }

    const spans = receiver.spans();
    const sleep = spans.find((span) => span.name === 'sleep');
    assert.equal(sleep?.traceId, okRoot?.traceId, 'the sleep belongs to the sleeping request');
    for (const span of spans) {
      assert.equal(span.resource['service.name'], SERVICE);
      assert.equal(span.resource['service.version'], packageJson.version);
      assert.match(String(span.resource['service.instance.id']), /^[0-9a-f-]{36}$/);
    }
    assert.deepEqual(
      new Set(spans.map((span) => span.traceId)),
      new Set([okRoot?.traceId, errorRoot?.traceId]),
      'probes and scrapes made no trace',
    );
  });

  test('SIGTERM exports the last spans before the process exits', async (t) => {
    const receiver = await startOtlpReceiver(t);
    const server = await startServer(
      t,
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: HELD_BATCH_MS },
      WITH_INSTRUMENTATION,
    );
    assert.equal(await get(server, '/status/201'), 201);
    const line = await pollUntil(() => accessLine(server, '/status/201'), Boolean, { what: 'the access line' });
    assert.equal(receiver.exports.length, 0, 'the batch is still held');

    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(server.logs.at(-1)?.msg, 'shut down cleanly');
    assert.equal(serverSpan(receiver, line?.trace_id)?.name, STATUS_ROUTE_SPAN, 'delivered before exit');
  });

  for (const [what, endpoint] of [
    ['unset', undefined],
    ['empty', ''],
  ] as const) {
    test(`OTEL_EXPORTER_OTLP_ENDPOINT ${what}: the traces endpoint alone turns tracing on`, async (t) => {
      const receiver = await startOtlpReceiver(t);
      const server = await startServer(
        t,
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
          OTEL_BSP_SCHEDULE_DELAY: QUICK_BATCH_MS,
        },
        WITH_INSTRUMENTATION,
      );
      assert.equal(await get(server, '/status/200'), 200);
      const line = await pollUntil(() => accessLine(server, '/status/200'), Boolean, { what: 'the access line' });
      const root = await pollUntil(() => serverSpan(receiver, line?.trace_id), Boolean, {
        what: 'the server span at the receiver',
      });
      assert.equal(root?.name, STATUS_ROUTE_SPAN);
    });
  }

  // Both endpoints would reach the receiver if the SDK started: it must not.
  for (const disabled of ['true', 'TRUE']) {
    test(`OTEL_SDK_DISABLED=${disabled}: nothing is exported and log lines carry no trace ids`, async (t) => {
      const receiver = await startOtlpReceiver(t);
      const server = await startServer(
        t,
        {
          OTEL_SDK_DISABLED: disabled,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
          OTEL_BSP_SCHEDULE_DELAY: QUICK_BATCH_MS,
        },
        WITH_INSTRUMENTATION,
      );
      // Even a caller's trace context is not picked up.
      const res = await fetch(`${server.url}/status/200`, {
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      });
      assert.equal(res.status, 200);
      await pollUntil(() => accessLine(server, '/status/200'), Boolean, { what: 'the access line' });

      // A started SDK would flush on shutdown at the latest.
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      assert.deepEqual(receiver.exports, []);
      for (const line of server.logs) {
        assert.equal(line.trace_id, undefined, line.msg);
        assert.equal(line.span_id, undefined, line.msg);
      }
    });
  }
});

describe('OTEL_* values the SDK would not understand: one line at start-up, and ignored', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const cases: Array<{
    what: string;
    env: (endpoint: string) => Record<string, string>;
    line: RegExp;
    traced: boolean;
  }> = [
    {
      what: 'an endpoint that is not a URL: tracing off, no exporter address assumed',
      env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
      line: /^OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is not an http:\/\/ or https:\/\/ URL: tracing stays off$/,
      traced: false,
    },
    {
      what: 'an unknown sampler: the default sampler',
      env: (endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'sometimes' }),
      line: /^OTEL_TRACES_SAMPLER="sometimes" is not one of .*: using parentbased_always_on$/,
      traced: true,
    },
    {
      what: 'a traces endpoint that is not a URL: the endpoint plus /v1/traces',
      env: (endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'tempo/v1' }),
      line: /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="tempo\/v1" is not .*: using OTEL_EXPORTER_OTLP_ENDPOINT plus \/v1\/traces$/,
      traced: true,
    },
    {
      what: 'an unknown propagator: the default ones, so the caller’s trace is continued',
      env: (endpoint) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_PROPAGATORS: 'tracecontex' }),
      line: /^OTEL_PROPAGATORS="tracecontex" names .*: using the default, tracecontext,baggage$/,
      traced: true,
    },
  ];
  for (const { what, env, line, traced } of cases) {
    test(what, async (t) => {
      const receiver = await startOtlpReceiver(t);
      const server = await startServer(
        t,
        { ...env(receiver.endpoint), OTEL_BSP_SCHEDULE_DELAY: HELD_BATCH_MS },
        WITH_INSTRUMENTATION,
      );
      const res = await fetch(`${server.url}/status/201`, {
        headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
      });
      assert.equal(res.status, 201);
      const access = await pollUntil(() => accessLine(server, '/status/201'), Boolean, { what: 'the access line' });
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 0, signal: null });

      const lines = server.stderr().split('\n').filter(Boolean);
      assert.equal(lines.length, 1, server.stderr());
      assert.match(lines[0]?.replace(/^fastify-http-telemetry: /, '') ?? '', line);
      if (!traced) {
        assert.equal(access?.trace_id, undefined, 'no SDK started');
        assert.deepEqual(receiver.exports, []);
        return;
      }
      assert.equal(access?.trace_id, TRACE_ID, 'the caller’s trace is continued');
      const spans = receiver.spans().filter((span) => span.traceId === TRACE_ID);
      assert.ok(
        spans.some((span) => span.name === STATUS_ROUTE_SPAN),
        'the span reached the endpoint',
      );
    });
  }
});
