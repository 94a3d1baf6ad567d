import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import Fastify, { LogController } from 'fastify';
import telemetry, { REQUEST_DURATION, startTracing } from 'fastify-http-telemetry';
import { createLogger } from 'fastify-http-telemetry/logger';
import { parseExposition } from '../../../helpers/exposition.ts';
import { FinishedSpans } from '../../../helpers/finished-spans.ts';

// Its own process: the SDK reads the sampler from the environment when it starts.
process.env.OTEL_TRACES_SAMPLER = 'always_off';
const finished = new FinishedSpans();
await startTracing({ spanProcessors: [finished] });

type Line = Record<string, unknown> & { msg: string };

/**
 * The documented behaviour with `always_off`: nothing is recorded or exported and no exemplar
 * names a trace, but log lines still carry the (never exported) ids of the request's trace, as
 * OpenTelemetry's own log instrumentations do, for joining one request's lines across services.
 */
test('sampling always_off: no span recorded, no exemplar; log lines carry the unexported trace ids', async (t) => {
  const lines: Line[] = [];
  const app = Fastify({
    loggerInstance: createLogger({
      level: 'info',
      service: 'test',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
    }),
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(telemetry);
  let handlerSpan: { recording: boolean; traceId: string; sampled: boolean } | undefined;
  app.get('/orders', async (request) => {
    const span = trace.getActiveSpan();
    const context = span?.spanContext();
    handlerSpan = {
      recording: span?.isRecording() ?? true,
      traceId: context?.traceId ?? '',
      sampled: context?.traceFlags === 1,
    };
    request.log.info('in the handler');
    return [];
  });
  t.after(() => app.close());

  assert.equal((await app.inject('/orders')).statusCode, 200);
  assert.deepEqual(
    { ...handlerSpan, traceId: typeof handlerSpan?.traceId },
    { recording: false, traceId: 'string', sampled: false },
  );
  const traceId = handlerSpan?.traceId;
  assert.match(String(traceId), /^[0-9a-f]{32}$/);
  const handlerLine = lines.find((line) => line.msg === 'in the handler');
  const accessLine = lines.find((line) => line.msg === 'request completed');
  assert.equal(handlerLine?.trace_id, traceId);
  assert.equal(accessLine?.trace_id, traceId);
  assert.match(String(accessLine?.span_id), /^[0-9a-f]{16}$/);

  const scrape = await app.inject({
    url: '/metrics',
    headers: { accept: 'application/openmetrics-text;version=1.0.0' },
  });
  const buckets = parseExposition(scrape.body).filter((s) => s.name === `${REQUEST_DURATION}_bucket`);
  assert.ok(buckets.length > 0);
  assert.deepEqual(
    buckets.filter((s) => s.exemplar !== undefined),
    [],
    'no exemplar names a trace no store holds',
  );
  assert.deepEqual(finished.spans, [], 'a span not recorded never reaches a span processor');
});
