/**
 * `make health`: asks every service of the stack whether it is ready, prints a table, and
 * exits non-zero if any is not. Host ports come from the environment or .env, as in compose.
 */
import { existsSync, readFileSync } from 'node:fs';

interface Check {
  service: string;
  portVariable: string;
  defaultPort: number;
  path: string;
}

export const CHECKS: Check[] = [
  { service: 'backend', portVariable: 'BACKEND_PORT', defaultPort: 8080, path: '/readyz' },
  { service: 'prometheus', portVariable: 'PROMETHEUS_PORT', defaultPort: 9090, path: '/-/ready' },
  { service: 'alertmanager', portVariable: 'ALERTMANAGER_PORT', defaultPort: 9093, path: '/-/ready' },
  { service: 'loki', portVariable: 'LOKI_PORT', defaultPort: 3100, path: '/ready' },
  { service: 'alloy', portVariable: 'ALLOY_PORT', defaultPort: 12345, path: '/-/ready' },
  { service: 'tempo', portVariable: 'TEMPO_PORT', defaultPort: 3200, path: '/ready' },
  { service: 'grafana', portVariable: 'GRAFANA_PORT', defaultPort: 3000, path: '/api/health' },
];

const TIMEOUT_MS = 3000;

/** KEY=value lines of a .env file; comments and blank lines ignored. */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) values[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

async function probe(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return res.ok ? 'ready' : `HTTP ${res.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
  }
}

async function main(): Promise<void> {
  const dotEnv = existsSync('.env') ? parseDotEnv(readFileSync('.env', 'utf8')) : {};
  const host = process.env.HEALTH_HOST ?? '127.0.0.1';
  const rows = await Promise.all(
    CHECKS.map(async ({ service, portVariable, defaultPort, path }) => {
      const port = process.env[portVariable] ?? dotEnv[portVariable] ?? String(defaultPort);
      const url = `http://${host}:${port}${path}`;
      return { service, url, state: await probe(url) };
    }),
  );
  const width = Math.max(...rows.map((row) => row.url.length));
  console.log(`${'SERVICE'.padEnd(14)}${'ENDPOINT'.padEnd(width + 2)}STATE`);
  for (const { service, url, state } of rows) console.log(`${service.padEnd(14)}${url.padEnd(width + 2)}${state}`);
  const down = rows.filter((row) => row.state !== 'ready');
  if (down.length > 0) {
    console.error(`\n${down.length} of ${rows.length} not ready: ${down.map((row) => row.service).join(', ')}`);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
