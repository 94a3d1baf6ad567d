import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import telemetry from 'fastify-http-telemetry';
import { createLogger } from 'fastify-http-telemetry/logger';

/**
 * A thrown error in a bare Fastify app with the plugin: logged once, with its message and stack,
 * whether Fastify's request logging is on or off and whichever error handler answers.
 */
type Line = Record<string, unknown> & { msg: string; level: string };
type Err = { type: string; message: string; stack: string };

const THROWN = 'orders database unreachable';
const REQUEST_LOGGING_OFF = { logController: new LogController({ disableRequestLogging: true }) };

async function app(t: TestContext, options: FastifyServerOptions, customErrorHandler: boolean) {
  const lines: Line[] = [];
  const loggerInstance = createLogger({
    level: 'info',
    service: 'test',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  });
  const fastify = Fastify({ loggerInstance, ...options });
  await fastify.register(telemetry);
  if (customErrorHandler) {
    // An app's own handler that answers and logs nothing, as most do once something else logs.
    fastify.setErrorHandler((error, _request, reply) => {
      reply.code((error as { statusCode?: number }).statusCode ?? 500).send({ failed: true });
    });
  }
  fastify.get('/orders', async function listOrders() {
    throw new Error(THROWN);
  });
  fastify.get('/missing', async () => {
    throw Object.assign(new Error('no such order'), { statusCode: 404 });
  });
  fastify.get('/probe', { config: { telemetry: false } }, async () => {
    throw new Error(THROWN);
  });
  t.after(() => fastify.close());
  return { fastify, lines };
}

const withStack = (lines: Line[]) => lines.filter((line) => typeof (line.err as Err | undefined)?.stack === 'string');

describe('a thrown error is logged once, with its stack', () => {
  // request logging, a custom error handler, the lines with a stack (msg, level) in order
  const cases: Array<[string, FastifyServerOptions, boolean, Array<[string, string]>]> = [
    ['request logging off (the README)', REQUEST_LOGGING_OFF, false, [['request completed', 'error']]],
    ["request logging off, the app's own error handler", REQUEST_LOGGING_OFF, true, [['request completed', 'error']]],
    ["request logging on, the app's own error handler", {}, true, [['request completed', 'error']]],
    // Fastify's default error handler logs the error itself when request logging is on: twice, as documented.
    [
      "request logging on, Fastify's default error handler",
      {},
      false,
      [
        [THROWN, 'error'],
        ['request completed', 'error'],
      ],
    ],
  ];
  for (const [name, options, customErrorHandler, expected] of cases) {
    test(name, async (t) => {
      const { fastify, lines } = await app(t, options, customErrorHandler);
      assert.equal((await fastify.inject('/orders')).statusCode, 500);
      const errors = withStack(lines);
      assert.deepEqual(
        errors.map((line) => [line.msg, line.level]),
        expected,
      );
      for (const line of errors) {
        const err = line.err as Err;
        assert.equal(err.type, 'Error');
        assert.equal(err.message, THROWN);
        assert.match(err.stack, /^Error: orders database unreachable\n\s+at (?:Object\.)?listOrders /);
      }
      const access = errors.find((line) => line.msg === 'request completed');
      assert.equal(access?.http_route, '/orders');
      assert.equal(access?.http_response_status_code, 500);
    });
  }

  test('a thrown 4xx is on its access line, at warn', async (t) => {
    const { fastify, lines } = await app(t, REQUEST_LOGGING_OFF, false);
    assert.equal((await fastify.inject('/missing')).statusCode, 404);
    assert.deepEqual(
      withStack(lines).map((line) => [line.msg, line.level, (line.err as Err).message]),
      [['request completed', 'warn', 'no such order']],
    );
  });

  test('a route that is not traffic has no access line: its error is logged alone', async (t) => {
    const { fastify, lines } = await app(t, REQUEST_LOGGING_OFF, false);
    assert.equal((await fastify.inject('/probe')).statusCode, 500);
    assert.deepEqual(
      withStack(lines).map((line) => [line.msg, line.level, (line.err as Err).message]),
      [['request errored', 'error', THROWN]],
    );
    assert.equal(lines.filter((line) => line.msg === 'request completed').length, 0);
  });

  test('a request that threw nothing has no err', async (t) => {
    const { fastify, lines } = await app(t, REQUEST_LOGGING_OFF, false);
    fastify.get('/ok', async () => 'ok');
    await fastify.inject('/ok');
    const [line] = lines.filter((l) => l.msg === 'request completed');
    assert.ok(line);
    assert.equal('err' in line, false);
  });
});
