import Fastify from 'fastify';
import problems from '../../src/plugins/problems.ts';
import { rootRoutes } from '../../src/routes/root.ts';
import { statusRoutes } from '../../src/routes/status.ts';
import { SERVICE_NAME } from './body.ts';

/**
 * Fastify with the service's own routes, schemas and problem answers, and nothing else: no
 * logger, no metrics, no request ids, no tracing. What the service costs above this is its telemetry.
 */
const MAX_SLEEP_SECONDS = 60;

const app = Fastify({ logger: false });
await app.register(problems);
await app.register(rootRoutes, { serviceName: SERVICE_NAME });
await app.register(statusRoutes, { maxSleepSeconds: MAX_SLEEP_SECONDS });
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
