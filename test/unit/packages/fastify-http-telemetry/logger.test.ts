import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import Fastify, { LogController } from 'fastify';
import { createLogger, redactLine, SECRET_FIELDS } from 'fastify-http-telemetry/logger';

type Line = Record<string, unknown>;
const CENSOR = '[redacted]';

/** The package's logger, writing parsed lines to a list. */
function memoryLogger() {
  const lines: Line[] = [];
  const logger = createLogger({
    level: 'info',
    service: 'test',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  });
  return { logger, lines };
}

describe('createLogger redacts credentials', () => {
  const error = Object.assign(new Error('upstream refused'), {
    config: { url: 'http://127.0.0.1:9/x', headers: { Authorization: 'Bearer s3cret' } },
  });
  // what is logged, the field of the line to look at, what it must read
  const cases: Array<[string, Line, string, unknown]> = [
    [
      'request headers',
      { headers: { authorization: 'Bearer s3cret', accept: '*/*' } },
      'headers',
      { authorization: CENSOR, accept: '*/*' },
    ],
    [
      'every credential header, whatever its case',
      {
        headers: {
          Authorization: 'a',
          'PROXY-AUTHORIZATION': 'b',
          Cookie: 'c',
          'x-api-key': 'd',
          'X-Api-Key': 'e',
          host: 'x',
        },
      },
      'headers',
      {
        Authorization: CENSOR,
        'PROXY-AUTHORIZATION': CENSOR,
        Cookie: CENSOR,
        'x-api-key': CENSOR,
        'X-Api-Key': CENSOR,
        host: 'x',
      },
    ],
    ['a bare authorization field', { authorization: 'Bearer s3cret', user: 'ada' }, 'authorization', CENSOR],
    [
      'a bearer token two levels deep',
      { upstream: { request: { headers: { authorization: 'Bearer s3cret', 'x-trace': '1' } } } },
      'upstream',
      { request: { headers: { authorization: CENSOR, 'x-trace': '1' } } },
    ],
    [
      "set-cookie's array",
      { res: { statusCode: 200, headers: { 'set-cookie': ['a=s3cret', 'b=s3cret'] } } },
      'res',
      { statusCode: 200, headers: { 'set-cookie': CENSOR } },
    ],
    [
      'inside arrays',
      { calls: [{ headers: { cookie: 'a=s3cret' } }, { headers: { accept: '*/*' } }] },
      'calls',
      [{ headers: { cookie: CENSOR } }, { headers: { accept: '*/*' } }],
    ],
    [
      "an error's own fields, after pino's error serializer",
      { err: error },
      'err',
      { url: 'http://127.0.0.1:9/x', headers: { Authorization: CENSOR } },
    ],
    ['an object value, not only strings', { cookie: { session: 's3cret' } }, 'cookie', CENSOR],
    ['nothing to redact', { headers: { accept: '*/*' }, n: 1 }, 'headers', { accept: '*/*' }],
  ];
  for (const [name, fields, key, expected] of cases) {
    test(name, () => {
      const { logger, lines } = memoryLogger();
      logger.info(fields, 'line');
      const line = lines[0] ?? {};
      const got = key === 'err' ? (line.err as Line).config : line[key];
      assert.deepEqual(got, expected);
      assert.equal(line.msg, 'line');
      assert.equal(line.service, 'test');
      assert.doesNotMatch(JSON.stringify(line), /s3cret/);
    });
  }

  test("a child logger's bindings are redacted too", () => {
    const { logger, lines } = memoryLogger();
    logger.child({ client: { headers: { authorization: 'Bearer s3cret' } } }).info('bound');
    assert.deepEqual(lines[0]?.client, { headers: { authorization: CENSOR } });
  });

  test('a line without secrets is written as it was made, not parsed again', () => {
    const line = '{"level":"info","msg":"authorization header missing","headers":{"accept":"*/*"}}\n';
    assert.equal(redactLine(line), line);
  });

  test('names the credentials the README documents', () => {
    assert.deepEqual([...SECRET_FIELDS].sort(), [
      'authorization',
      'cookie',
      'proxy-authorization',
      'set-cookie',
      'x-api-key',
    ]);
  });
});

describe('a Fastify request logged with credentials', () => {
  async function app(t: TestContext) {
    const { logger, lines } = memoryLogger();
    const fastify = Fastify({
      loggerInstance: logger,
      logController: new LogController({ disableRequestLogging: true }),
    });
    fastify.get('/orders/:id', async (request) => {
      request.log.info({ req: request, headers: request.headers }, 'handling');
      return 'ok';
    });
    t.after(() => fastify.close());
    return { fastify, lines };
  }

  test('keeps every field of the request; only the credentials are censored', async (t) => {
    const { fastify, lines } = await app(t);
    await fastify.inject({ url: '/orders/7?x=1', headers: { 'user-agent': 'test' } });
    await fastify.inject({
      url: '/orders/7?x=1',
      headers: { 'user-agent': 'test', authorization: 'Bearer s3cret', cookie: 'session=s3cret' },
    });
    const [plain, secret] = lines.filter((line) => line.msg === 'handling');
    assert.ok(plain && secret);
    // Fastify's `req` serializer: method, url, host, remote address and port.
    assert.deepEqual(Object.keys(plain.req as Line).sort(), ['host', 'method', 'remoteAddress', 'url']);
    assert.deepEqual(secret.req, plain.req);
    assert.deepEqual(secret.headers, { ...(plain.headers as Line), authorization: CENSOR, cookie: CENSOR });
    assert.doesNotMatch(JSON.stringify(lines), /s3cret/);
  });
});
