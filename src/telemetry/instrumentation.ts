import { register } from 'node:module';
import { startTracing, tracingEnabled } from './tracing.ts';

/**
 * The `--import` entry: `node --import ./src/telemetry/instrumentation.ts server.ts`.
 * It runs before the app's modules, so the instrumentations are in place when Fastify and
 * `node:http` load. It reads only the standard `OTEL_*` variables; with no OTLP endpoint it
 * does nothing: no loader hook, no SDK.
 */
if (tracingEnabled(process.env)) {
  // ESM modules can only be instrumented through a loader hook registered before they load.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  await startTracing();
}
