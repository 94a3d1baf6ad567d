import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PINNING } from './cores.ts';

/** What the numbers were measured on: they mean little without it. */
export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  pinned: boolean;
  /** 1-minute load average when the run began and ended: above ~0.5 before it, something else was running. */
  loadBefore: number;
  loadAfter: number;
  commit: string;
  versions: Record<string, string>;
}

const GIB = 2 ** 30;
const repo = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

function firstLine(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status === null || result.error !== undefined) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(repo(`node_modules/${name}/package.json`), 'utf8')) as { version: string }).version;
}

function pythonVersions(python: string): Record<string, string> {
  const script =
    'import sys, starlette, uvicorn, uvloop, httptools, prometheus_client;' +
    'from importlib.metadata import version;' +
    'print(sys.version.split()[0], starlette.__version__, uvicorn.__version__, uvloop.__version__, version("httptools"), version("prometheus_client"))';
  const line = firstLine(python, ['-c', script]);
  const [pythonVersion, starlette, uvicorn, uvloop, httptools, prometheusClient] = line?.split(' ') ?? [];
  if (prometheusClient === undefined) return {};
  return {
    python: pythonVersion as string,
    starlette: starlette as string,
    uvicorn: uvicorn as string,
    uvloop: uvloop as string,
    httptools: httptools as string,
    prometheus_client: prometheusClient,
  };
}

export function describeMachine(loadBefore: number, python: string): Omit<Machine, 'loadAfter'> {
  const commit = firstLine('git', ['-C', repo('.'), 'rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = (firstLine('git', ['-C', repo('.'), 'status', '--porcelain']) ?? '') !== '';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / GIB),
    kernel: release(),
    pinned: PINNING,
    loadBefore,
    commit: dirty ? `${commit} (with uncommitted changes)` : commit,
    versions: {
      node: process.versions.node,
      fastify: packageVersion('fastify'),
      pino: packageVersion('pino'),
      '@prometheus-io/client': packageVersion('@prometheus-io/client'),
      '@opentelemetry/sdk-node': packageVersion('@opentelemetry/sdk-node'),
      '@fastify/otel': packageVersion('@fastify/otel'),
      wrk: firstLine('wrk', ['--version'])?.split(' ').slice(0, 2).join(' ') ?? 'missing',
      ...pythonVersions(python),
    },
  };
}

export function loadAverage(): number {
  return loadavg()[0] as number;
}
