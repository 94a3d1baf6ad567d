import { parseArgs } from 'node:util';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.ts';

export interface Options {
  url: URL;
  scenario: ScenarioName;
  scale: number;
  durationSeconds: number;
  rate: number;
  json: boolean;
  verify: boolean;
  prometheus: URL;
  /** The Prometheus scrape job whose counts --verify sums, over every target (replica) in it. */
  job: string;
  help: boolean;
}

/** Bad command line: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULTS = {
  url: 'http://localhost:8080',
  scenario: 'seed',
  scale: 1,
  duration: '5m',
  rate: 20,
  // compose publishes Prometheus on PROMETHEUS_PORT, 9090 unless .env says otherwise.
  prometheus: 'http://localhost:9090',
  // The service's job in observability/prometheus/prometheus.yml.
  job: 'backend',
} as const;

const scenarioList = Object.entries(SCENARIOS)
  .map(([name, description]) => `${name.padEnd(8)}${description}`)
  .join('\n                    ');

/** Within 80 columns, like the summary. */
export const USAGE = `Usage: npm run traffic -- [options]   (or: node traffic/cli.ts [options])

Options:
  --url URL         the service to load (default ${DEFAULTS.url})
  --scenario NAME   what to send (default ${DEFAULTS.scenario}):
                    ${scenarioList}
  --scale F         multiply each stream's request count by F (seed, smoke)
  --duration D      how long steady runs: 90s, 5m, 1h (default ${DEFAULTS.duration})
  --rate R          requests per second in all, for steady (default ${DEFAULTS.rate})
  --json            print the summary as JSON on stdout instead of the table
  --verify          after the run, check that Prometheus counted every request
  --prometheus URL  the Prometheus --verify asks (default ${DEFAULTS.prometheus})
  --job NAME        the scrape job --verify sums over, all its targets
                    (default ${DEFAULTS.job})
  -h, --help        show this help

Exit status:
  0    every answer had the status its stream asked for (and was counted)
  1    service or Prometheus unreachable, requests failed or answered with
       another status, or --verify found a mismatch
  2    bad usage
  130  interrupted by Ctrl-C (SIGINT)
  143  terminated (SIGTERM)`;

const OPTIONS = {
  url: { type: 'string' },
  scenario: { type: 'string' },
  scale: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  json: { type: 'boolean' },
  verify: { type: 'boolean' },
  prometheus: { type: 'string' },
  job: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const SECONDS_PER_UNIT = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
const NUMBER = /^\d+(?:\.\d+)?$|^\.\d+$/;
/** Beyond this a typo is likelier than a wish: one process cannot start that many requests a second. */
const MAX_RATE = 100_000;
const MAX_SCALE = 1000;
/** Quoted into PromQL selectors: no quote or backslash can break the query. */
const JOB_NAME = /^[\w.:-]+$/;

/** A positive number no bigger than `max`, or a UsageError naming the flag. */
function positiveNumber(flag: string, raw: string, max: number, what: string): number {
  const value = Number(raw);
  if (!NUMBER.test(raw) || !(value > 0) || value > max) {
    throw new UsageError(`--${flag} must be ${what} above 0, at most ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

export function parseDuration(raw: string): number {
  const match = DURATION.exec(raw);
  const seconds = match === null ? Number.NaN : Number(match[1]) * SECONDS_PER_UNIT[(match[2] ?? 's') as 's'];
  if (!(seconds > 0))
    throw new UsageError(`--duration must be a duration such as 90s, 5m or 1h (got ${JSON.stringify(raw)})`);
  return seconds;
}

function httpUrl(flag: 'url' | 'prometheus', raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'http:' || url.search !== '' || url.hash !== '') {
    throw new UsageError(`--${flag} must be an http:// URL such as ${DEFAULTS[flag]} (got ${JSON.stringify(raw)})`);
  }
  return url;
}

function jobName(raw: string): string {
  if (!JOB_NAME.test(raw)) {
    throw new UsageError(`--job must be a Prometheus job name: letters, digits, _ . : - (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

/** node:util's parse errors, reworded to one short line. */
function reworded(error: Error & { code?: string }): UsageError {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${quoted}`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${JSON.stringify(quoted)}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--[a-z]+/.exec(error.message)?.[0] ?? 'a flag';
      if (error.message.includes('does not take')) return new UsageError(`${flag} takes no value`);
      if (error.message.includes('ambiguous')) {
        return new UsageError(`${flag} needs a value (for one that starts with "-", write ${flag}=VALUE)`);
      }
      return new UsageError(`${flag} needs a value`);
    }
    default:
      return new UsageError(error.message.split('\n')[0] ?? 'bad arguments');
  }
}

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw reworded(error as Error & { code?: string });
  }
}

/** Reads the command line into options; throws UsageError (one line) on anything it cannot use. */
export function parseOptions(argv: readonly string[]): Options {
  const values = readFlags(argv);

  const scenario = values.scenario ?? DEFAULTS.scenario;
  if (!isScenario(scenario)) {
    throw new UsageError(`unknown scenario ${JSON.stringify(scenario)}: choose ${Object.keys(SCENARIOS).join(', ')}`);
  }
  const steady = scenario === 'steady';
  if (!steady && (values.duration !== undefined || values.rate !== undefined)) {
    throw new UsageError('--duration and --rate apply to --scenario steady only');
  }
  if (steady && values.scale !== undefined) {
    throw new UsageError('--scale applies to the seed and smoke scenarios; steady takes --rate and --duration');
  }

  return {
    url: httpUrl('url', values.url ?? DEFAULTS.url),
    scenario,
    scale: values.scale === undefined ? DEFAULTS.scale : positiveNumber('scale', values.scale, MAX_SCALE, 'a number'),
    durationSeconds: parseDuration(values.duration ?? DEFAULTS.duration),
    rate:
      values.rate === undefined
        ? DEFAULTS.rate
        : positiveNumber('rate', values.rate, MAX_RATE, 'a number of requests per second'),
    json: values.json ?? false,
    verify: values.verify ?? false,
    prometheus: httpUrl('prometheus', values.prometheus ?? DEFAULTS.prometheus),
    job: jobName(values.job ?? DEFAULTS.job),
    help: values.help ?? false,
  };
}
