import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify, { type FastifyPluginAsync, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import telemetry, { startTracing } from 'fastify-http-telemetry';
import { pollUntil } from '../../../../support/poll.ts';
import { FinishedSpans } from '../../../helpers/finished-spans.ts';

// Its own process: the SDK starts before the app is built, as the `--import` entry does.
const finished = new FinishedSpans();
await startTracing({ spanProcessors: [finished] });

async function getUser(request: FastifyRequest<{ Params: { id: string } }>) {
  return { id: request.params.id };
}

/** Routes a user registers in a plugin of their own, one inline, one named. */
const orderRoutes: FastifyPluginAsync = async (app) => {
  app.get('/orders/:id', async () => ({ order: 1 }));
  app.route({
    method: ['GET', 'POST'],
    url: '/orders',
    handler: function listOrders(_request: FastifyRequest, reply: FastifyReply) {
      reply.send([]);
    },
  });
};

describe('handler spans are named after the handler or its route, never after a plugin', () => {
  // request, the handler span's name, its http.route
  const cases: Array<[string, string, string, string]> = [
    ['GET', '/users/7', 'handler - /users/{id}', '/users/{id}'],
    ['GET', '/named/7', 'handler - getUser', '/named/{id}'],
    ['GET', '/orders/7', 'handler - /orders/{id}', '/orders/{id}'],
    ['POST', '/orders', 'handler - listOrders', '/orders'],
    // Inline handlers given as route options: JavaScript names them after the property.
    ['GET', '/carts/7', 'handler - /carts/{id}', '/carts/{id}'],
    ['GET', '/items/7', 'handler - /items/{id}', '/items/{id}'],
  ];
  for (const [method, url, name, route] of cases)
    for (const requestSpan of [false, true]) {
      test(`${method} ${url} → "${name}"${requestSpan ? ", under Fastify's request span" : ''}`, async (t) => {
        finished.reset();
        const app = Fastify({ logController: new LogController({ disableRequestLogging: true }) });
        await app.register(telemetry, { requestSpan });
        app.get('/users/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => ({
          id: request.params.id,
        }));
        app.get('/named/:id', getUser);
        app.route({ method: 'GET', url: '/carts/:id', handler: async () => ({ cart: 1 }) });
        app.get('/items/:id', { handler: async () => ({ item: 1 }) });
        await app.register(orderRoutes);
        t.after(() => app.close());

        assert.equal((await app.inject({ method: method as 'GET', url })).statusCode, 200);
        // The server span is the last to end, in the response's `onResponse`.
        await pollUntil(() => finished.spans.some((span) => span.parentSpanContext === undefined), Boolean, {
          what: 'the request’s spans',
        });
        const handlers = finished.spans.filter((span) => span.name.startsWith('handler - '));
        assert.deepEqual(
          handlers.map((span) => [span.name, span.attributes['http.route']]),
          [[name, route]],
        );
        const parent = finished.spans.find(
          (span) => span.spanContext().spanId === handlers[0]?.parentSpanContext?.spanId,
        );
        // Under the server span, or under Fastify's `request` span (same route) when it is asked for.
        assert.equal(parent?.name, requestSpan ? 'request' : `${method} ${route}`);
        assert.equal(parent?.attributes['http.route'], route);
        assert.equal(parent?.attributes['http.response.status_code'], 200);
      });
    }
});
