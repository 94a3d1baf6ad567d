import { checkTracingEnv } from './otel-env.ts';
import { startTracing, tracingEnabled } from './tracing.ts';

/**
 * The `--import` entry: `node --import fastify-http-telemetry/instrumentation server.js`. It starts
 * the OpenTelemetry SDK before the app is built, reading only the standard `OTEL_*` variables;
 * with no OTLP endpoint it does nothing and loads nothing. A value the SDK would not understand is
 * one line on stderr, and ignored.
 */
for (const warning of checkTracingEnv(process.env)) process.stderr.write(`fastify-http-telemetry: ${warning}\n`);
if (tracingEnabled(process.env)) await startTracing();
