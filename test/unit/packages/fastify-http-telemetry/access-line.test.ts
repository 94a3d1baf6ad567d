import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpanContext } from '@opentelemetry/api';
import Fastify, { LogController } from 'fastify';
import { createLogger } from 'fastify-http-telemetry/logger';
import { pino } from 'pino';
import { type AccessLineFields, writeAccessLine } from '../../../../packages/fastify-http-telemetry/src/access-line.ts';
import { markTracingStarted } from '../../../../packages/fastify-http-telemetry/src/trace-context.ts';

/** A logger of the package writing raw lines to a list, as the destination receives them. */
function memoryLogger(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, service: 'test', destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines };
}

const SPAN: SpanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
const FIELDS: AccessLineFields = {
  http_request_method: 'GET',
  http_route: '/users/{id}',
  url_path: '/users/"7"\u2028é',
  http_response_status_code: 200,
  duration_ms: 1.234,
};

describe('the access line formatted directly is the line pino writes', () => {
  // what varies, level, fields, span
  const cases: Array<[string, 'info' | 'warn' | 'error', AccessLineFields, SpanContext | undefined]> = [
    ['an answered request, a path that needs escaping', 'info', FIELDS, undefined],
    ['a 4xx', 'warn', { ...FIELDS, http_response_status_code: 404 }, undefined],
    ['a 5xx with its server span', 'error', { ...FIELDS, http_response_status_code: 500 }, SPAN],
    ['no path (an unreadable request line)', 'warn', { ...FIELDS, url_path: undefined }, undefined],
  ];
  for (const [what, level, fields, span] of cases) {
    test(what, () => {
      const { logger, lines } = memoryLogger();
      // The child Fastify makes for each request, with its request id.
      const request = logger.child({ request_id: 'r-1' });
      assert.equal(writeAccessLine(request, level, fields, 'request completed', span), true);
      const traced = span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
      // pino's own: the mixin's trace ids come first, then the line's fields, as `write` merges them.
      request[level]({ ...traced, ...fields }, 'request completed');
      const [direct, viaPino] = lines;
      assert.ok(direct && viaPino);
      const [directTime, pinoTime] = [direct, viaPino].map((line) => JSON.parse(line).time as string);
      // Byte for byte but for the time, which pino reads anew.
      assert.equal(direct, viaPino.replace(String(pinoTime), String(directTime)));
      assert.equal(direct.endsWith('}\n'), true);
    });
  }

  test('the logger’s redaction applies: a credential in a child’s bindings is censored, as on every line', () => {
    const { logger, lines } = memoryLogger();
    const request = logger.child({ request_id: 'r-1', authorization: 'Bearer s3cret' });
    assert.equal(writeAccessLine(request, 'info', FIELDS, 'request completed', undefined), true);
    request.info({ ...FIELDS }, 'request completed');
    const [direct, viaPino] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(direct?.authorization, '[redacted]');
    assert.deepEqual({ ...direct, time: undefined }, { ...viaPino, time: undefined });
  });

  test('Fastify’s request logger, a child with its own copy of the serializers, writes directly', async (t) => {
    const { logger, lines } = memoryLogger();
    const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }) });
    t.after(() => app.close());
    let direct: boolean | undefined;
    app.get('/', async (request) => {
      direct = writeAccessLine(request.log, 'info', FIELDS, 'request completed', undefined);
      return 'ok';
    });
    await app.inject('/');
    assert.equal(direct, true);
    assert.equal(JSON.parse(lines.at(-1) ?? '{}').http_route, FIELDS.http_route);
  });

  test('a level the logger leaves out writes nothing', () => {
    const { logger, lines } = memoryLogger('warn');
    assert.equal(writeAccessLine(logger.child({}), 'info', FIELDS, 'request completed', undefined), true);
    assert.deepEqual(lines, []);
  });
});

describe('lines it cannot reproduce go through pino', () => {
  const cases: Array<[string, () => ReturnType<typeof pino>]> = [
    ['any other pino logger', () => pino({}, { write: () => undefined })],
    ['a child with a message prefix', () => memoryLogger().logger.child({}, { msgPrefix: '[http] ' })],
    ['a stream that wants pino’s metadata', () => pino({}, pino.multistream([{ stream: { write: () => undefined } }]))],
    // A route's `logSerializers` makes Fastify's request logger such a child.
    [
      'a child with a serializer for a key of the line',
      () => memoryLogger().logger.child({}, { serializers: { url_path: String } }),
    ],
    ['a child with a redaction of its own', () => memoryLogger().logger.child({}, { redact: ['url_path'] })],
    [
      'a child with a log formatter of its own',
      () => memoryLogger().logger.child({}, { formatters: { log: (o) => o } }),
    ],
  ];
  for (const [what, make] of cases) {
    test(what, () => {
      assert.equal(writeAccessLine(make(), 'info', FIELDS, 'request completed', undefined), false);
    });
  }

  test('with tracing, a line without a span of its own: the mixin would add the active span’s ids', () => {
    markTracingStarted(true);
    const { logger, lines } = memoryLogger();
    markTracingStarted(false);
    assert.equal(writeAccessLine(logger, 'info', FIELDS, 'request completed', undefined), false);
    assert.equal(writeAccessLine(logger, 'info', FIELDS, 'request completed', SPAN), true);
    assert.equal(JSON.parse(lines[0] ?? '{}').trace_id, SPAN.traceId);
  });
});
