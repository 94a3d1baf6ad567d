import { fileURLToPath } from 'node:url';
import packageJson from '../package.json' with { type: 'json' };

/** Everything measured side by side, in the order each round runs them. */

export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The contender every ratio is to. */
export const BASELINE = 'fastify';

export interface Contender {
  id: string;
  label: string;
  /** Command and arguments, run from the repository's root. */
  argv: string[];
  /** Added to the bench's environment; `undefined` removes a variable. */
  env: NodeJS.ProcessEnv;
  /**
   * Exports its spans to the bench's OTLP sink, which must receive at least this many a request
   * or the run stops: a contender whose tracing silently recorded nothing would only look fast.
   */
  tracing?: { sampling: string; minSpansPerRequest: number };
  /** Runs on bench/servers/peers' own install (`make bench-peers`). */
  peers?: true;
}

/** The service exactly as `npm start` runs it: package.json's start script, with this Node. */
function npmStart(): string[] {
  const [node, ...args] = packageJson.scripts.start.split(' ');
  if (node !== 'node') throw new Error(`cannot run the start script without a shell: ${packageJson.scripts.start}`);
  return [process.execPath, ...args];
}

/** Tracing off, whatever the caller's environment says; a traced contender gets the sink as its endpoint. */
const SERVICE_ENV = {
  LOG_LEVEL: 'info',
  OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  OTEL_SDK_DISABLED: undefined,
  OTEL_TRACES_SAMPLER_ARG: undefined,
};
const bareFastify = [process.execPath, 'bench/servers/bare-fastify.ts'];
/** The peers' setup: Fastify with fastify-metrics (bench/servers/peers/, its own install). */
export const PEERS_DIR = 'bench/servers/peers';
const fastifyMetrics = [process.execPath, `${PEERS_DIR}/fastify-metrics.ts`];
/** Every request sampled: each has at least its server span. */
const ALL_SAMPLED = { sampling: '100% (always_on)', minSpansPerRequest: 1 };
const TRACE_RATIO = 0.1;

export const CONTENDERS: Contender[] = [
  { id: 'node-http', label: 'raw node:http', argv: [process.execPath, 'bench/servers/raw-node.ts'], env: {} },
  { id: BASELINE, label: 'bare Fastify (same routes)', argv: bareFastify, env: {} },
  { id: 'fastify-log-line', label: 'bare Fastify + one pino line', argv: [...bareFastify, '--log-line'], env: {} },
  {
    id: 'service-untelemetered',
    label: 'the service without telemetry',
    argv: [process.execPath, 'bench/servers/untelemetered.ts'],
    env: {},
  },
  { id: 'service', label: 'the service, as shipped', argv: npmStart(), env: SERVICE_ENV },
  // What a user would pick instead, with defaults, on the same routes and the same stdout sink.
  { id: 'fastify-metrics', label: 'fastify-metrics alone', argv: fastifyMetrics, env: {}, peers: true },
  {
    id: 'fastify-logger-metrics',
    label: 'Fastify logger + fastify-metrics',
    argv: [...fastifyMetrics, '--logger'],
    env: {},
    peers: true,
  },
  {
    id: 'service-tracing',
    label: 'the service, traced (100%)',
    argv: npmStart(),
    env: { ...SERVICE_ENV, OTEL_TRACES_SAMPLER: 'always_on' },
    tracing: ALL_SAMPLED,
  },
  {
    // How tracing usually runs: a tenth of new traces kept, a caller's decision followed.
    id: 'service-tracing-ratio',
    label: 'the service, traced (10%, parent-based)',
    argv: npmStart(),
    env: {
      ...SERVICE_ENV,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(TRACE_RATIO),
    },
    // Half the expected share of requests, each with at least its server span: far below chance.
    tracing: { sampling: `${TRACE_RATIO * 100}% (parentbased_traceidratio)`, minSpansPerRequest: TRACE_RATIO / 2 },
  },
  {
    id: 'fastify-otel',
    label: 'traced peer: logger + fastify-metrics + @fastify/otel (100%)',
    argv: [process.execPath, '--import', `./${PEERS_DIR}/tracing.ts`, ...fastifyMetrics.slice(1), '--logger'],
    env: { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: undefined },
    tracing: ALL_SAMPLED,
    peers: true,
  },
];

/** The routes under load, and the status each must answer with. */
export const SCENARIOS = [
  { path: '/', status: 200 },
  { path: '/status/500', status: 500 },
] as const;
