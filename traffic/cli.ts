/**
 * The traffic generator: `npm run traffic -- --help`. Parses the flags, runs the scenario with live
 * progress on stderr, prints the summary on stdout, and with --verify checks Prometheus's counts.
 * The only file here that touches the process: signals, exit codes, standard streams.
 */
import { type Options, parseOptions, USAGE, UsageError } from './args.ts';
import { Progress } from './progress.ts';
import { PrometheusError } from './prometheus.ts';
import { checkReachable, errorKind, startRun } from './runner.ts';
import { planScenario } from './scenarios.ts';
import { renderTable, type Summary, summarize } from './summary.ts';
import { type Baseline, renderVerification, takeBaseline, type Verification, verifyCounts } from './verify.ts';

const EXIT = {
  ok: 0,
  /** Unreachable service or Prometheus, failed requests or answers not asked for, or a --verify mismatch. */
  failure: 1,
  usage: 2,
  /** 128 + the signal's number, as shells report a process stopped by Ctrl-C (SIGINT) or SIGTERM. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;
const CONNECT_TIMEOUT_MS = 5000;

function fail(message: string): never {
  process.stderr.write(`traffic: ${message}\n`);
  process.exit(EXIT.failure);
}

function options(): Options {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`traffic: ${error.message}\n\n${USAGE}\n`);
    process.exit(EXIT.usage);
  }
}

const opts = options();
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(EXIT.ok);
}

try {
  await checkReachable(opts.url, CONNECT_TIMEOUT_MS);
} catch (error) {
  fail(`cannot reach the service at ${opts.url.origin}: ${errorKind(error)} (is the stack up? try "make up")`);
}

// Ctrl-C or SIGTERM: stop sending, abandon what is in flight, report what was done. A second one exits at once.
let stopSignal: 'SIGINT' | 'SIGTERM' | undefined;
const interruption = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopSignal !== undefined) process.exit(EXIT[signal]);
    stopSignal = signal;
    interruption.abort();
  });
}

let baseline: Baseline | undefined;
if (opts.verify) {
  process.stderr.write(
    `Waiting for Prometheus (${opts.prometheus.origin}) to scrape job "${opts.job}" before the run...\n`,
  );
  try {
    baseline = await takeBaseline(opts.prometheus, opts.job, interruption.signal);
  } catch (error) {
    if (stopSignal !== undefined) process.exit(EXIT[stopSignal]);
    if (error instanceof PrometheusError) fail(`--verify: ${error.message}`);
    throw error;
  }
}

const plans = planScenario(opts.scenario, opts);
const run = startRun(opts.url, plans);
interruption.signal.addEventListener('abort', () => run.stop());
if (stopSignal !== undefined) run.stop();
const progress = new Progress(process.stderr, run.streams);
progress.start();
await run.done;
progress.stop();

const summary: Summary = summarize(run.streams, {
  scenario: opts.scenario,
  url: opts.url.href,
  interrupted: run.stopped,
});
if (!opts.json) process.stdout.write(`\n${renderTable(summary)}\n`);
if (summary.totals.errors > 0 && !run.stopped) {
  process.stderr.write(
    `traffic: ${summary.totals.errors} of ${summary.totals.sent} requests failed or got an answer their stream did not ask for (is --url the service?)\n`,
  );
}

let verification: Verification | undefined;
if (baseline !== undefined && !run.stopped) {
  process.stderr.write('Waiting for the next scrapes to compare the counts...\n');
  try {
    verification = await verifyCounts(opts.prometheus, baseline, summary, interruption.signal);
    (opts.json ? process.stderr : process.stdout).write(`\n${renderVerification(verification)}\n`);
  } catch (error) {
    if (stopSignal === undefined && !(error instanceof PrometheusError)) throw error;
    if (error instanceof PrometheusError) process.stderr.write(`traffic: --verify: ${error.message}\n`);
  }
}
if (opts.json)
  process.stdout.write(`${JSON.stringify({ ...summary, ...(verification && { verify: verification }) })}\n`);

if (stopSignal !== undefined) process.exitCode = EXIT[stopSignal];
else if (summary.totals.errors > 0 || (baseline !== undefined && verification?.passed !== true)) {
  process.exitCode = EXIT.failure;
}
