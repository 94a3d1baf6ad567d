import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import Fastify, { LogController } from 'fastify';
import telemetry, { startTracing } from 'fastify-http-telemetry';
import packageJson from '../../../../packages/fastify-http-telemetry/package.json' with { type: 'json' };
import { pollUntil } from '../../../../support/poll.ts';
import { FinishedSpans } from '../../../helpers/finished-spans.ts';

// Its own process: the SDK starts before the app is built, as the `--import` entry does.
const finished = new FinishedSpans();
await startTracing({ spanProcessors: [finished] });

describe('the server span: server.address and server.port from Host as the HTTP conventions write them, and the package as its scope', () => {
  // Host header, server.address, server.port
  const cases: Array<[string, string | undefined, number | undefined]> = [
    ['example.com:8080', 'example.com', 8080],
    ['example.com', 'example.com', undefined],
    ['[::1]:8080', '::1', 8080],
    ['[2001:db8::7]', '2001:db8::7', undefined],
    ['127.0.0.1:3000', '127.0.0.1', 3000],
    ['example.com:', 'example.com', undefined],
  ];
  for (const [host, address, port] of cases) {
    test(`Host: ${host}`, async (t) => {
      finished.reset();
      const app = Fastify({ logController: new LogController({ disableRequestLogging: true }) });
      await app.register(telemetry);
      app.get('/', async () => 'ok');
      t.after(() => app.close());
      assert.equal((await app.inject({ url: '/', headers: { host } })).statusCode, 200);
      const server = await pollUntil(() => finished.spans.find((span) => span.kind === SpanKind.SERVER), Boolean, {
        what: 'the server span',
      });
      assert.equal(server?.attributes['server.address'], address);
      assert.equal(server?.attributes['server.port'], port);
      // The spans' instrumentation scope is the package that made them.
      assert.equal(server?.instrumentationScope.name, packageJson.name);
      assert.equal(server?.instrumentationScope.version, packageJson.version);
    });
  }
});
