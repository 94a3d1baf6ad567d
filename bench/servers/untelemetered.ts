import Fastify from 'fastify';
import { serviceOptions } from '../../src/app.ts';
import drain from '../../src/plugins/drain.ts';
import { frameworkErrorHandler } from '../../src/plugins/problems.ts';
import requestGuards from '../../src/plugins/request-guards.ts';
import securityHeaders, { withSecurityHeaders } from '../../src/plugins/security-headers.ts';
import { clientErrorHandler } from '../../src/server-limits.ts';
import { MAX_SLEEP_SECONDS, serveServiceRoutes } from './service-routes.ts';

/**
 * The service without its telemetry: the same constructor options (request ids, server limits),
 * security headers, request guards and drain as `src/app.ts`, but no logger, metrics or access
 * line. What the service costs above this is its telemetry; what this costs above bare Fastify is not.
 */
const app = Fastify({
  logger: false,
  ...serviceOptions({ maxSleepSeconds: MAX_SLEEP_SECONDS }),
  frameworkErrors: withSecurityHeaders(frameworkErrorHandler),
  clientErrorHandler,
});
await app.register(securityHeaders);
await app.register(requestGuards);
await app.register(drain);
await serveServiceRoutes(app);
