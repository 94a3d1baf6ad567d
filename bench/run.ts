import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionsError, parseOptions, USAGE } from './options.ts';
import { runProfile } from './profile.ts';
import { renderReport } from './report.ts';
import type { BenchResults } from './results.ts';
import { MissingToolError, runSuite } from './suite.ts';

/** `make bench`: measures the service side by side with its baselines, writes bench/results.json and bench/RESULTS.md. */
const REPO = fileURLToPath(new URL('..', import.meta.url));
const EXIT_USAGE = 2;

const progress = (line: string) => process.stderr.write(`${line}\n`);

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}

const outDir = join(REPO, options.outDir);
const resultsJson = join(outDir, 'results.json');
const resultsMd = join(outDir, 'RESULTS.md');
const shown = (path: string) => relative(REPO, path);

try {
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
  } else if (options.profile) {
    await runProfile(options, progress);
  } else if (options.reportOnly) {
    writeFileSync(resultsMd, renderReport(JSON.parse(readFileSync(resultsJson, 'utf8')) as BenchResults));
    process.stdout.write(`Rewrote ${shown(resultsMd)} from ${shown(resultsJson)}\n`);
  } else {
    const { help: _help, ...benchOptions } = options;
    const results = await runSuite(benchOptions, progress);
    const report = renderReport(results);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(resultsJson, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(resultsMd, report);
    process.stdout.write(`${report}\nWrote ${shown(resultsMd)} and ${shown(resultsJson)}\n`);
  }
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
