import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS, startContender } from './contenders.ts';
import { type CpuProfile, formatProfileSummary, summarizeProfile } from './cpu-profile.ts';
import type { Progress } from './load-rounds.ts';
import type { BenchOptions } from './options.ts';
import { LOAD_SCENARIOS } from './scenarios.ts';
import { type RunningSink, startSink } from './sink-process.ts';
import { runWrk } from './wrk.ts';

/**
 * `npm run bench -- --profile`: the service (and the service with tracing) under wrk load on
 * each route with `--cpu-prof`, then where the time went. Profiles and the summary are written
 * to bench/results/profiles/ (git-ignored); open a .cpuprofile in Chrome DevTools for the flame graph.
 */
const PROFILES = fileURLToPath(new URL('./results/profiles/', import.meta.url));
const PROFILED = ['service', 'service-tracing'];
const SAMPLING_INTERVAL_US = 200;

export async function runProfile(options: BenchOptions, progress: Progress): Promise<void> {
  const wanted = options.only ?? PROFILED;
  const contenders = CONTENDERS.filter((contender) => wanted.includes(contender.id));
  let sink: RunningSink | undefined;
  if (contenders.some((contender) => contender.tracing === true)) sink = await startSink();
  const sections: string[] = [];
  try {
    for (const contender of contenders) {
      for (const scenario of LOAD_SCENARIOS) {
        const name = `${contender.id}${scenario.path.replaceAll('/', '_')}`;
        const dir = join(PROFILES, name);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const server = await startContender(
          {
            ...contender,
            server: {
              ...contender.server,
              args: [
                `--cpu-prof`,
                `--cpu-prof-dir=${dir}`,
                `--cpu-prof-interval=${SAMPLING_INTERVAL_US}`,
                ...contender.server.args,
              ],
            },
          },
          sink,
        );
        const url = `${server.url}${scenario.path}`;
        await runWrk({ url, connections: options.connections, durationSeconds: options.warmupSeconds });
        const result = await runWrk({
          url,
          connections: options.connections,
          durationSeconds: options.durationSeconds,
        });
        // The profile is written as the process exits.
        await server.stop();
        const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
        if (file === undefined) throw new Error(`${contender.id} wrote no profile to ${dir}`);
        const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
        const title = `${contender.label}, \`GET ${scenario.id}\`: ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s`;
        sections.push(formatProfileSummary(title, summary));
        progress(`profiled ${name}: ${join(dir, file)}`);
      }
    }
  } finally {
    await sink?.stop();
  }
  const report =
    '# Where the time goes\n\nEach profile covers the whole process, start-up included (module compilation shows as ' +
    `\`compileSourceTextModule\`, \`wrapSafe\`). Inclusive time counts a package once per sample it is on the stack of.\n\n${sections.join('\n')}`;
  writeFileSync(join(PROFILES, 'SUMMARY.md'), report);
  process.stdout.write(`${report}\nWrote ${join(PROFILES, 'SUMMARY.md')}\n`);
}
