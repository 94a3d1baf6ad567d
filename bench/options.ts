import { parseArgs } from 'node:util';
import { CONTENDERS } from './contenders.ts';

export interface BenchOptions {
  /** Interleaved rounds over every contender; figures are medians over rounds. */
  rounds: number;
  /** Measured seconds of each wrk run, after `warmup` unmeasured ones for the JIT. */
  duration: number;
  warmup: number;
  connections: number;
  /** Contender ids to run, in CONTENDERS' order. */
  only: string[];
  /** The Markdown file whose generated section is rewritten. */
  out: string;
  quick: boolean;
  help: boolean;
}

const FULL = { rounds: 5, duration: 3, warmup: 1, connections: 50, out: 'bench/RESULTS.md' };
/** A smoke run: noisy figures, so they go to the git-ignored bench/results/. */
const QUICK = { ...FULL, rounds: 1, duration: 1, out: 'bench/results/RESULTS.md' };

export const USAGE = `Usage: npm run bench -- [options]
  --rounds <n>        interleaved rounds; figures are medians (default ${FULL.rounds})
  --duration <s>      measured seconds per contender and route (default ${FULL.duration})
  --warmup <s>        unmeasured seconds before each (default ${FULL.warmup})
  --connections <n>   wrk connections (default ${FULL.connections})
  --only <ids>        comma-separated, from: ${CONTENDERS.map((contender) => contender.id).join(', ')}
  --out <file>        report file (default ${FULL.out}; ${QUICK.out} with --quick)
  --quick             ${QUICK.rounds} round of ${QUICK.duration} s: a smoke run`;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new OptionsError(`--${name} must be a positive integer: ${raw}`);
  return value;
}

/** Reads the command line; throws an OptionsError naming the flag on bad input. */
export function parseOptions(argv: string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const text = (name: string) => values[name] as string | undefined;
  const base = values.quick === true ? QUICK : FULL;
  const only = text('only')?.split(',') ?? CONTENDERS.map((contender) => contender.id);
  const unknown = only.filter((id) => !CONTENDERS.some((contender) => contender.id === id));
  if (unknown.length > 0) throw new OptionsError(`--only: unknown contender ${unknown.join(', ')}`);
  return {
    rounds: count('rounds', text('rounds'), base.rounds),
    duration: count('duration', text('duration'), base.duration),
    warmup: count('warmup', text('warmup'), base.warmup),
    connections: count('connections', text('connections'), base.connections),
    only,
    out: text('out') ?? base.out,
    quick: values.quick === true,
    help: values.help === true,
  };
}
