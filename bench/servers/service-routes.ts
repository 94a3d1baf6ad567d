import type { FastifyInstance } from 'fastify';
import problems from '../../src/plugins/problems.ts';
import { rootRoutes } from '../../src/routes/root.ts';
import { statusRoutes } from '../../src/routes/status.ts';
import { SERVICE_NAME } from './body.ts';

/** The service's default, for the status route's schema: the bench never sleeps. */
export const MAX_SLEEP_SECONDS = 60;

/**
 * What every Fastify contender shares: the service's own routes, schemas and problem answers on
 * `app` (after whatever the contender registered first), listening where the bench says, closed on
 * SIGTERM (onClose hooks, such as a tracer's flush, finish before the process exits).
 */
export async function serveServiceRoutes(app: FastifyInstance): Promise<void> {
  await app.register(problems);
  await app.register(rootRoutes, { serviceName: SERVICE_NAME });
  await app.register(statusRoutes, { maxSleepSeconds: MAX_SLEEP_SECONDS });
  await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}
