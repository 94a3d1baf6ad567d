import { findExecutable } from '../support/find-executable.ts';
import { CONTENDERS, type Contender, PYTHON, unavailableReason } from './contenders.ts';
import { type Progress, runLoadRounds } from './load-rounds.ts';
import { summarizeLoad } from './load-summary.ts';
import { describeMachine, loadAverage } from './machine.ts';
import { measureRender } from './metrics-render.ts';
import type { BenchOptions } from './options.ts';
import type { BenchResults } from './results.ts';
import { type RunningSink, startSink } from './sink-process.ts';
import { runSleepScenario } from './sleep-scenario.ts';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** The contenders to run and those skipped, with why. */
export function chooseContenders(only: string[] | undefined): { run: Contender[]; skipped: BenchResults['skipped'] } {
  const unknown = (only ?? []).filter((id) => !CONTENDERS.some((contender) => contender.id === id));
  if (unknown.length > 0) {
    throw new MissingToolError(
      `unknown contender(s) ${unknown.join(', ')}: choose from ${CONTENDERS.map((c) => c.id).join(', ')}`,
    );
  }
  const wanted = CONTENDERS.filter((contender) => only === undefined || only.includes(contender.id));
  const run: Contender[] = [];
  const skipped: BenchResults['skipped'] = [];
  for (const contender of wanted) {
    const reason = unavailableReason(contender);
    if (reason === undefined) run.push(contender);
    else skipped.push({ id: contender.id, label: contender.label, reason });
  }
  return { run, skipped };
}

/** Every measurement of the issue, in one run: load rounds, the sleep wave, the `/metrics` render. */
export async function runSuite(options: BenchOptions, progress: Progress): Promise<BenchResults> {
  if (findExecutable('wrk') === undefined) throw new MissingToolError('wrk not found: apt-get install wrk');
  const { run, skipped } = chooseContenders(options.only);
  for (const entry of skipped) progress(`skipping ${entry.label}: ${entry.reason}`);
  const machine = describeMachine(loadAverage(), PYTHON);

  let sink: RunningSink | undefined;
  if (run.some((contender) => contender.tracing === true)) sink = await startSink();
  try {
    const raw = await runLoadRounds(run, options, sink, progress);
    const sleep = await runSleepScenario(run, options, sink, progress);
    const render = await measureRender(options.renderSeries);
    return {
      machine: { ...machine, loadAfter: loadAverage() },
      options,
      contenders: run.map(({ id, label }) => ({ id, label })),
      skipped,
      load: summarizeLoad(raw.samples, raw.rss),
      raw,
      sleep,
      render,
    };
  } finally {
    await sink?.stop();
  }
}
