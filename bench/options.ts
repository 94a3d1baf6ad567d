import { parseArgs } from 'node:util';

/** What a `make bench` run does; every knob a flag, so development runs can be short. */
export interface BenchOptions {
  /** Measured seconds of each wrk run. */
  durationSeconds: number;
  /** Unmeasured seconds of load before the measured runs, for the JIT. */
  warmupSeconds: number;
  /** Rounds over every contender, interleaved; results are medians over rounds. */
  rounds: number;
  connections: number;
  /** Requests held at once in the sleep scenario, and how long each sleeps. */
  sleepRequests: number;
  sleepSeconds: number;
  /** Histogram label sets for the `/metrics` render measurement. */
  renderSeries: number[];
  /** Contender ids to run (all when undefined). */
  only: string[] | undefined;
  /** Write CPU profiles of the service under load instead of benchmarking. */
  profile: boolean;
  /** Rewrite RESULTS.md from results.json, measuring nothing. */
  reportOnly: boolean;
  /** Where RESULTS.md and results.json go: bench/ for a full run, the git-ignored bench/results/ for a quick one. */
  outDir: string;
}

export const DEFAULTS: BenchOptions = {
  durationSeconds: 5,
  warmupSeconds: 2,
  rounds: 3,
  connections: 50,
  sleepRequests: 10_000,
  sleepSeconds: 1,
  renderSeries: [10, 100, 1000],
  only: undefined,
  profile: false,
  reportOnly: false,
  outDir: 'bench',
};

/** `--quick`: a smoke run for development, one short round and a smaller sleep wave. */
const QUICK: Partial<BenchOptions> = {
  durationSeconds: 1,
  warmupSeconds: 1,
  rounds: 1,
  sleepRequests: 1000,
  outDir: 'bench/results',
};

export const USAGE = `Usage: npm run bench -- [options]
  --duration <s>        measured seconds per wrk run (default ${DEFAULTS.durationSeconds})
  --warmup <s>          warm-up seconds per contender and route (default ${DEFAULTS.warmupSeconds})
  --rounds <n>          interleaved rounds; results are medians (default ${DEFAULTS.rounds})
  --connections <n>     wrk connections (default ${DEFAULTS.connections})
  --sleep-requests <n>  concurrent sleeping requests (default ${DEFAULTS.sleepRequests})
  --sleep-seconds <s>   how long each of them sleeps (default ${DEFAULTS.sleepSeconds})
  --render-series <list> histogram label sets for the /metrics render (default ${DEFAULTS.renderSeries.join(',')})
  --only <ids>          comma-separated contender ids
  --quick               1 round of 1 s, 1,000 sleeps: for development
  --profile             CPU-profile the service under load (no benchmark)
  --report              rewrite RESULTS.md from results.json (no measurement)
  --out <dir>           where RESULTS.md and results.json go (default bench; bench/results with --quick)`;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

function positive(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new OptionsError(
      `--${name} must be a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

function list(raw: string | undefined): string[] | undefined {
  return raw
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Reads the command line; throws an OptionsError naming the flag on bad input. */
export function parseOptions(argv: string[]): BenchOptions & { help: boolean } {
  let parsed: ReturnType<typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }> }>>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        connections: { type: 'string' },
        'sleep-requests': { type: 'string' },
        'sleep-seconds': { type: 'string' },
        'render-series': { type: 'string' },
        only: { type: 'string' },
        quick: { type: 'boolean' },
        profile: { type: 'boolean' },
        report: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const base = values.quick === true ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  const text = (name: string) => values[name] as string | undefined;
  const renderSeries = list(text('render-series'))?.map((item) => positive('render-series', item, 0, true));
  return {
    durationSeconds: positive('duration', text('duration'), base.durationSeconds, true),
    warmupSeconds: positive('warmup', text('warmup'), base.warmupSeconds, true),
    rounds: positive('rounds', text('rounds'), base.rounds, true),
    connections: positive('connections', text('connections'), base.connections, true),
    sleepRequests: positive('sleep-requests', text('sleep-requests'), base.sleepRequests, true),
    sleepSeconds: positive('sleep-seconds', text('sleep-seconds'), base.sleepSeconds, false),
    renderSeries: renderSeries ?? base.renderSeries,
    only: list(text('only')),
    profile: values.profile === true,
    reportOnly: values.report === true,
    outDir: text('out') ?? base.outDir,
    help: values.help === true,
  };
}
