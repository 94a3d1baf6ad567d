import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FASTIFY, NODE_HTTP } from './load-summary.ts';
import { PORT_PLACEHOLDER, type RunningServer, type ServerCommand, startServer } from './server-process.ts';
import type { RunningSink } from './sink-process.ts';

/** Everything benchmarked side by side, baselines first. */

const repo = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

/** Debian's Python, where `apt-get install python3-starlette …` puts the modules (BENCH_PYTHON to override). */
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const STARLETTE_PACKAGES =
  'python3-starlette python3-uvicorn python3-prometheus-client python3-uvloop python3-httptools';

export interface Contender {
  id: string;
  label: string;
  server: ServerCommand;
  /** Set for the contender that exports spans to the bench's OTLP sink. */
  tracing?: boolean;
}

/**
 * The service exactly as `npm start` runs it, at its real log level, stdout to /dev/null. Tracing
 * stays off unless the bench sets the endpoint to its sink, whatever the caller's environment says.
 */
function service(): ServerCommand {
  return {
    command: process.execPath,
    args: ['--import', repo('src/telemetry/instrumentation.ts'), repo('src/server.ts')],
    env: { LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SDK_DISABLED: undefined },
  };
}

function uvicorn(extra: string[]): ServerCommand {
  return {
    command: PYTHON,
    args: ['-m', 'uvicorn', 'starlette_app:app', '--host', '127.0.0.1', '--port', PORT_PLACEHOLDER, ...extra],
    env: { PYTHONPATH: repo('bench/servers') },
  };
}

export const CONTENDERS: Contender[] = [
  {
    id: NODE_HTTP,
    label: 'raw node:http',
    server: { command: process.execPath, args: [repo('bench/servers/raw-node.ts')], env: {} },
  },
  {
    id: FASTIFY,
    label: 'bare Fastify (same routes)',
    server: { command: process.execPath, args: [repo('bench/servers/bare-fastify.ts')], env: {} },
  },
  { id: 'service', label: 'the service, as shipped', server: service() },
  { id: 'service-tracing', label: 'the service, tracing on', server: service(), tracing: true },
  {
    id: 'starlette-seed',
    label: 'Starlette/Uvicorn, seed-like (asyncio, h11, access log)',
    server: uvicorn(['--loop', 'asyncio', '--http', 'h11']),
  },
  {
    id: 'starlette-fast',
    label: 'Starlette/Uvicorn, uvloop + httptools, no access log',
    server: uvicorn(['--loop', 'uvloop', '--http', 'httptools', '--no-access-log']),
  },
];

const PYTHON_MODULES: Record<string, string> = {
  'starlette-seed': 'starlette, uvicorn, prometheus_client',
  'starlette-fast': 'starlette, uvicorn, prometheus_client, uvloop, httptools',
};

/** Why a contender cannot run here (with what to install), or undefined when it can. */
export function unavailableReason(contender: Contender): string | undefined {
  const modules = PYTHON_MODULES[contender.id];
  if (modules === undefined) return undefined;
  const probe = spawnSync(PYTHON, ['-c', `import ${modules}`], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `needs ${modules} for ${PYTHON}: apt-get install ${STARLETTE_PACKAGES}`;
}

/** Starts a contender, pointing it at the sink when it traces. */
export function startContender(contender: Contender, sink: RunningSink | undefined): Promise<RunningServer> {
  if (contender.tracing !== true) return startServer(contender.server);
  if (sink === undefined) throw new Error(`${contender.id} needs the OTLP sink`);
  return startServer({
    ...contender.server,
    env: { ...contender.server.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
  });
}
