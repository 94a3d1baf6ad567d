import { shutdownTracing } from 'fastify-http-telemetry';
import { createLogger } from 'fastify-http-telemetry/logger';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

/** The only file that listens or handles signals. */
const MS_PER_SECOND = 1000;
const EXIT_OK = 0;
const EXIT_FAILURE = 1;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EXIT_FAILURE);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(`Invalid configuration: ${error.message}`);
  throw error;
}

const logger = createLogger({ level: config.LOG_LEVEL, service: config.SERVICE_NAME });
const app = await buildApp({ config, logger });

/** Exits once the log destination has written its last lines (those of the current turn are pending). */
function exitNow(code: number): void {
  logger.flush(() => process.exit(code));
}

let shuttingDown = false;
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) {
    logger.warn({ signal }, 'second signal, exiting now');
    exitNow(EXIT_FAILURE);
    return;
  }
  shuttingDown = true;
  app.beginDrain();
  if (config.DRAIN_DELAY_SECONDS > 0) {
    // Still accepting while readiness says 503, until the load balancers have stopped sending.
    logger.info({ signal, drain_delay_seconds: config.DRAIN_DELAY_SECONDS }, 'draining: readiness off, still serving');
    setTimeout(closeAndExit, config.DRAIN_DELAY_SECONDS * MS_PER_SECOND, signal);
  } else {
    closeAndExit(signal);
  }
}

/** Stops the listener and waits for in-flight requests, for at most the grace period. */
function closeAndExit(signal: NodeJS.Signals): void {
  const graceMs = config.SHUTDOWN_GRACE_SECONDS * MS_PER_SECOND;
  const graceEnd = performance.now() + graceMs;
  logger.info({ signal, grace_seconds: config.SHUTDOWN_GRACE_SECONDS }, 'shutting down: draining in-flight requests');
  const deadline = setTimeout(() => {
    logger.error('grace period over, exiting with requests still in flight');
    exitNow(EXIT_FAILURE);
  }, graceMs);
  app.close().then(
    async () => {
      clearTimeout(deadline);
      // The last requests' spans are still batched: send them in what is left of the grace period.
      if (!(await exportLastSpans(graceEnd - performance.now()))) {
        exitNow(EXIT_FAILURE);
        return;
      }
      logger.info('shut down cleanly');
      exitNow(EXIT_OK);
    },
    (error: unknown) => {
      logger.error({ err: error }, 'error while shutting down');
      exitNow(EXIT_FAILURE);
    },
  );
}

/**
 * Exports the spans still batched, for at most `timeoutMs`. True when they were delivered (or tracing
 * is off); otherwise it has logged why not, as the process's last line, and the exit is a failure.
 */
async function exportLastSpans(timeoutMs: number): Promise<boolean> {
  try {
    if (await shutdownTracing(timeoutMs)) return true;
    logger.error('grace period over before the last spans were exported, exiting');
  } catch (error) {
    // The exporter gave up (a collector down answers nothing its retries can wait out).
    logger.error({ err: error }, 'the last spans could not be exported, exiting');
  }
  return false;
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  logger.fatal({ err: error }, 'could not start listening');
  exitNow(EXIT_FAILURE);
}
