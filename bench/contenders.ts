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
  /** Exports its spans to the bench's OTLP sink. */
  tracing?: true;
}

/** The service exactly as `npm start` runs it: package.json's start script, with this Node. */
function npmStart(): string[] {
  const [node, ...args] = packageJson.scripts.start.split(' ');
  if (node !== 'node') throw new Error(`cannot run the start script without a shell: ${packageJson.scripts.start}`);
  return [process.execPath, ...args];
}

/** Tracing off, whatever the caller's environment says; "tracing on" sets the endpoint to the sink. */
const SERVICE_ENV = { LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SDK_DISABLED: undefined };
const bareFastify = [process.execPath, 'bench/servers/bare-fastify.ts'];

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
  {
    id: 'service-tracing',
    label: 'the service, tracing on',
    argv: npmStart(),
    // Every request sampled; the endpoint is set when the sink is up.
    env: { ...SERVICE_ENV, OTEL_TRACES_SAMPLER: 'always_on' },
    tracing: true,
  },
];

/** The routes under load, and the status each must answer with. */
export const SCENARIOS = [
  { path: '/', status: 200 },
  { path: '/status/500', status: 500 },
] as const;
