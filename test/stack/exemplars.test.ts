import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { pollUntil } from '../../support/poll.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { scratchDir } from '../helpers/processes.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { INSTRUMENTATION, startServer } from '../helpers/server-process.ts';
import { backendOnlyConfig, queryExemplars, startPrometheus } from '../helpers/stack.ts';

/** Short, so spans reach the receiver soon after their requests. */
const QUICK_BATCH_MS = '50';
/** No Alertmanager in this test: alerts would go nowhere, and none fire. */
const NO_ALERTMANAGER = '127.0.0.1:9';
const BUCKETS = `${REQUEST_DURATION}_bucket{job="backend"}`;
const REQUESTS = ['/status/200?seconds_sleep=0.01', '/status/500', '/'] as const;

describe('metrics → traces → logs, through a real Prometheus', () => {
  test('Prometheus ingests the exemplars, and each trace id is a trace that was exported and a line that was logged', async (t) => {
    const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
    if (prometheusBinary === undefined) return;

    const receiver = await startOtlpReceiver(t);
    const server = await startServer(
      t,
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: QUICK_BATCH_MS },
      { nodeArgs: ['--import', INSTRUMENTATION] },
    );
    const target = new URL(server.url).host;
    // compose's flags, so exemplar storage is on only if compose.yaml turns it on.
    const prometheus = await startPrometheus(
      t,
      prometheusBinary,
      scratchDir(t, 'stack-exemplars-'),
      backendOnlyConfig(target, NO_ALERTMANAGER),
    );

    const since = Date.now() / 1000 - 1;
    for (const path of REQUESTS) await (await fetch(`${server.url}${path}`)).arrayBuffer();

    const series = await pollUntil(
      () => queryExemplars(prometheus, BUCKETS, { start: since, end: Date.now() / 1000 + 60 }),
      (found) => REQUESTS.every((_, index) => found.length > index),
      { what: 'exemplars for every request in Prometheus', deadlineMs: 30_000 },
    );

    for (const { seriesLabels, exemplars } of series) {
      for (const exemplar of exemplars) {
        const traceId = exemplar.labels.trace_id;
        assert.match(String(traceId), /^[0-9a-f]{32}$/, 'the exemplar names a trace');
        const line = server.logs.find((candidate) => candidate.trace_id === traceId);
        assert.ok(line, `a log line carries trace_id ${traceId}`);
        assert.equal(line.http_route, seriesLabels.http_route, 'the line and the series are the same route');
        assert.equal(String(line.http_response_status_code), seriesLabels.http_response_status_code);
        await pollUntil(
          () => receiver.spans().find((span) => span.traceId === traceId && span.parentSpanId === undefined),
          Boolean,
          { what: `the server span of trace ${traceId} at the OTLP receiver` },
        );
      }
    }
    const statuses = new Set(series.map(({ seriesLabels }) => seriesLabels.http_response_status_code));
    assert.deepEqual([...statuses].sort(), ['200', '500']);
  });
});
