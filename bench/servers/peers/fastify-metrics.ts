import Fastify from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { serveServiceRoutes } from '../service-routes.ts';

/**
 * What a user picks instead of the service's telemetry: fastify-metrics with its defaults (route
 * histogram and summary, Node's default metrics, `/metrics`) on the service's routes. With
 * `--logger`, Fastify's own logger too (`logger: true`: pino to stdout, two lines a request).
 * Traced, the same process is started with `--import ./tracing.ts`.
 */
const app = Fastify({ logger: process.argv.includes('--logger') });
// A CommonJS build with `exports.default`: from ESM, the plugin is the module's `default`.
await app.register(fastifyMetrics.default, { endpoint: '/metrics' });
await serveServiceRoutes(app);
