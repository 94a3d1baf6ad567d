import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import telemetry, { rejectionHandlers } from 'fastify-http-telemetry';
import type { Logger } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import type { Config } from './config.ts';
import { durationBuckets } from './http-buckets.ts';
import drain from './plugins/drain.ts';
import openapi from './plugins/openapi.ts';
import problems, { frameworkErrorHandler } from './plugins/problems.ts';
import requestGuards from './plugins/request-guards.ts';
import securityHeaders, { withSecurityHeaders } from './plugins/security-headers.ts';
import { healthRoutes } from './routes/health.ts';
import { rootRoutes } from './routes/root.ts';
import { statusRoutes } from './routes/status.ts';
import { clientErrorHandler, serverLimits } from './server-limits.ts';

/**
 * Node's default header limit (16 KiB) already bounds the request line; a param limit as
 * large lets a too-long status code reach validation and get a 400 that names it.
 */
const MAX_PARAM_LENGTH = 16 * 1024;

interface AppOptions {
  config: Pick<Config, 'MAX_SLEEP_SECONDS' | 'SERVICE_NAME'>;
  logger: Logger<never>;
}

/** The service's constructor options apart from logging and telemetry (the benchmark's untelemetered contender shares them). */
export function serviceOptions({ maxSleepSeconds }: { maxSleepSeconds: number }) {
  return {
    genReqId: () => randomUUID(),
    // Requests still arriving on open connections while draining are served, with Connection: close.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ...serverLimits({ maxSleepSeconds }),
  };
}

/** Builds the service without listening: `server.ts` listens, tests use `inject` or port 0. */
export async function buildApp({ config, logger }: AppOptions) {
  const app = Fastify({
    loggerInstance: logger,
    // One access line a request comes from the telemetry plugin, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    ...serviceOptions({ maxSleepSeconds: config.MAX_SLEEP_SECONDS }),
    // Requests refused before routing are counted and logged by telemetry, answered as problems.
    ...rejectionHandlers({ frameworkErrors: withSecurityHeaders(frameworkErrorHandler), clientErrorHandler }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // OpenAPI first, so its document lists the scrape route that telemetry adds.
  await app.register(openapi, { serviceName: config.SERVICE_NAME, version: packageJson.version });
  await app.register(telemetry, { buckets: durationBuckets(config.MAX_SLEEP_SECONDS), metricsTags: ['operations'] });
  await app.register(securityHeaders);
  await app.register(requestGuards);
  await app.register(drain);
  await app.register(problems);
  await app.register(rootRoutes, { serviceName: config.SERVICE_NAME });
  await app.register(statusRoutes, { maxSleepSeconds: config.MAX_SLEEP_SECONDS });
  await app.register(healthRoutes);

  return app;
}
