import Fastify from 'fastify';
import { serviceOptions } from '../../src/app.ts';
import drain from '../../src/plugins/drain.ts';
import problems, { frameworkErrorHandler } from '../../src/plugins/problems.ts';
import requestGuards from '../../src/plugins/request-guards.ts';
import securityHeaders, { withSecurityHeaders } from '../../src/plugins/security-headers.ts';
import { rootRoutes } from '../../src/routes/root.ts';
import { statusRoutes } from '../../src/routes/status.ts';
import { clientErrorHandler } from '../../src/server-limits.ts';
import { SERVICE_NAME } from './body.ts';

/**
 * The service without its telemetry: the same constructor options (request ids, server limits),
 * security headers, request guards and drain as `src/app.ts`, but no logger, metrics or access
 * line. What the service costs above this is its telemetry; what this costs above bare Fastify is not.
 */
const MAX_SLEEP_SECONDS = 60;

const app = Fastify({
  logger: false,
  ...serviceOptions({ maxSleepSeconds: MAX_SLEEP_SECONDS }),
  frameworkErrors: withSecurityHeaders(frameworkErrorHandler),
  clientErrorHandler,
});
await app.register(securityHeaders);
await app.register(requestGuards);
await app.register(drain);
await app.register(problems);
await app.register(rootRoutes, { serviceName: SERVICE_NAME });
await app.register(statusRoutes, { maxSleepSeconds: MAX_SLEEP_SECONDS });
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
