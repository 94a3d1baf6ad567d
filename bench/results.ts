import type { LoadResults } from './load-rounds.ts';
import type { LoadSummary } from './load-summary.ts';
import type { Machine } from './machine.ts';
import type { RenderResult } from './metrics-render.ts';
import type { BenchOptions } from './options.ts';
import type { SleepResult } from './sleep-scenario.ts';

/** Everything one run measured: written as bench/results.json, rendered as bench/RESULTS.md. */
export interface BenchResults {
  machine: Machine;
  options: BenchOptions;
  contenders: Array<{ id: string; label: string }>;
  skipped: Array<{ id: string; label: string; reason: string }>;
  load: LoadSummary[];
  raw: LoadResults;
  sleep: SleepResult[];
  render: RenderResult[];
}
