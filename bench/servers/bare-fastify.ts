import Fastify from 'fastify';
import { pino } from 'pino';
import { serveServiceRoutes } from './service-routes.ts';

/**
 * Fastify with the service's own routes, schemas and problem answers, and nothing else: no
 * logger, metrics, request ids or tracing. What the service costs above this is its telemetry.
 * With `--log-line`, one pino line a request to stdout (asynchronous, as the service writes its
 * own) and nothing more: the reference for what an access line alone costs.
 */
const app = Fastify({ logger: false });
if (process.argv.includes('--log-line')) {
  const log = pino(pino.destination({ dest: 1, sync: false }));
  app.addHook('onResponse', (request, reply, done) => {
    log.info(
      {
        request_id: request.id,
        method: request.method,
        route: request.routeOptions.url,
        path: request.url,
        status_code: reply.statusCode,
        duration_ms: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
}
await serveServiceRoutes(app);
