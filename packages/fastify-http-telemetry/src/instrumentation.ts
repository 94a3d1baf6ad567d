import { startTracing, tracingEnabled } from './tracing.ts';

/**
 * The `--import` entry: `node --import fastify-http-telemetry/instrumentation server.js`. It starts
 * the OpenTelemetry SDK before the app is built, reading only the standard `OTEL_*` variables;
 * with no OTLP endpoint it does nothing and loads nothing.
 */
if (tracingEnabled(process.env)) await startTracing();
