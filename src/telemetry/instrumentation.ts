import { register } from 'node:module';
import { loadConfig } from '../config.ts';
import { startTracing, tracingEnabled } from './tracing.ts';

/**
 * The `--import` entry: `node --import ./src/telemetry/instrumentation.ts src/server.ts`.
 * It runs before the service's modules, so the instrumentations are in place when Fastify
 * and `node:http` load. With no OTLP endpoint it does nothing: no loader hook, no SDK.
 */
function serviceName(): string | undefined {
  try {
    return loadConfig(process.env).SERVICE_NAME;
  } catch {
    // server.ts reports the bad setting and exits; nothing to trace.
    return undefined;
  }
}

const service = tracingEnabled(process.env) ? serviceName() : undefined;
if (service !== undefined) {
  // ESM modules can only be instrumented through a loader hook registered before they load.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  await startTracing({ serviceName: service });
}
