import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { createLogger } from 'fastify-http-telemetry/logger';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';

export type LogLine = Record<string, unknown> & { level: string; msg: string; time: string };

export const TEST_SERVICE = 'test-service';

/** The real app with its real logger, writing to an in-memory list of parsed lines. */
export async function buildTestApp(
  t: TestContext,
  config: Partial<Pick<Config, 'MAX_SLEEP_SECONDS' | 'SERVICE_NAME'>> = {},
) {
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: 'info',
    service: config.SERVICE_NAME ?? TEST_SERVICE,
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const app = await buildApp({ config: { MAX_SLEEP_SECONDS: 60, SERVICE_NAME: TEST_SERVICE, ...config }, logger });
  t.after(() => app.close());
  return { app, logs, logger };
}

/** The same app listening on a free loopback port, for tests over real HTTP. */
export async function listenTestApp(t: TestContext, config: Parameters<typeof buildTestApp>[1] = {}) {
  const built = await buildTestApp(t, config);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = built.app.server.address() as AddressInfo;
  return { ...built, port, url: `http://127.0.0.1:${port}` };
}
