import Fastify from 'fastify';
import { pino } from 'pino';
import problems from '../../src/plugins/problems.ts';
import { rootRoutes } from '../../src/routes/root.ts';
import { statusRoutes } from '../../src/routes/status.ts';
import { SERVICE_NAME } from './body.ts';

/**
 * Fastify with the service's own routes, schemas and problem answers, and nothing else: no
 * logger, metrics, request ids or tracing. What the service costs above this is its telemetry.
 * With `--log-line`, one pino line a request to stdout (asynchronous, as the service writes its
 * own) and nothing more: the reference for what an access line alone costs.
 */
const MAX_SLEEP_SECONDS = 60;

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
await app.register(problems);
await app.register(rootRoutes, { serviceName: SERVICE_NAME });
await app.register(statusRoutes, { maxSleepSeconds: MAX_SLEEP_SECONDS });
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
