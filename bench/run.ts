import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { findExecutable } from '../support/find-executable.ts';
import { type OtlpSink, startOtlpSink } from '../support/otlp-sink.ts';
import { CONTENDERS, PEERS_DIR, REPO } from './contenders.ts';
import { pinSelf } from './cores.ts';
import { OptionsError, parseOptions, USAGE } from './options.ts';
import { renderSection, splice } from './report.ts';
import { runRounds } from './rounds.ts';
import { TracingCheckError } from './span-check.ts';

/** `make bench`: every contender side by side in one run; rewrites the generated section of the report. */
const EXIT_USAGE = 2;

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (findExecutable('wrk') === undefined) {
  process.stderr.write('wrk not found: apt-get install wrk\n');
  process.exit(1);
}

const contenders = CONTENDERS.filter((contender) => options.only.includes(contender.id));
if (contenders.some((contender) => contender.peers) && !existsSync(resolve(REPO, PEERS_DIR, 'node_modules'))) {
  process.stderr.write(`The peers' own install is missing: make bench-peers (npm ci --prefix ${PEERS_DIR})\n`);
  process.exit(1);
}
const loadBefore = loadavg()[0] ?? 0;
pinSelf();
let sink: OtlpSink | undefined;
if (contenders.some((contender) => contender.tracing)) sink = await startOtlpSink({ keepExports: false });
try {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  let rounds: Awaited<ReturnType<typeof runRounds>>;
  try {
    rounds = await runRounds(contenders, options, sink, progress);
  } catch (error) {
    if (!(error instanceof TracingCheckError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const { samples, tracing } = rounds;
  const section = renderSection({ options, contenders, samples, tracing, loadBefore });
  const out = resolve(REPO, options.out);
  let existing: string | undefined;
  try {
    existing = readFileSync(out, 'utf8');
  } catch {
    existing = undefined;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, splice(existing, section));
  process.stdout.write(`${section}\n\nWrote ${out}\n`);
} finally {
  await sink?.close();
}
