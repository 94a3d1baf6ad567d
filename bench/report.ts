import type { LoadSummary } from './load-summary.ts';
import type { BenchResults } from './results.ts';
import { LOAD_SCENARIOS, sleepPath } from './scenarios.ts';
import { checkTargets } from './targets.ts';

/** bench/RESULTS.md from one run's results: the tables, the machine, the versions. */

const MIB = 2 ** 20;
const MS_PER_SECOND = 1000;
/**
 * A 1-minute load average above this when the run began means other work was running. (The load
 * at the end includes the bench's own two busy cores, so it says little.)
 */
const BUSY_LOAD = 0.5;

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(2);
const mib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${integer(bytes / MIB)} MB`);
const times = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(2)}×`);
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? '✅ met' : '❌ not met');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function labelOf(results: BenchResults, id: string): string {
  return results.contenders.find((contender) => contender.id === id)?.label ?? id;
}

function loadTable(results: BenchResults, scenario: string): string {
  const rows = results.load
    .filter((entry) => entry.scenario === scenario)
    .map((entry: LoadSummary) => [
      labelOf(results, entry.contender),
      integer(entry.requestsPerSecond),
      times(entry.vsFastify),
      times(entry.vsNodeHttp),
      ms(entry.p50Ms),
      ms(entry.p99Ms),
      entry.cpuUsPerRequest.toFixed(1),
      times(entry.cpuVsFastify),
      integer(entry.errors),
      mib(entry.rssBytes),
    ]);
  return table(
    [
      'contender',
      'req/s',
      '× bare Fastify',
      '× node:http',
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      '× Fastify by CPU',
      'errors',
      'RSS after load',
    ],
    rows,
  );
}

function tracingSection(results: BenchResults): string[] {
  const samples = results.raw.tracing;
  if (samples.length === 0) return [];
  const requests = samples.reduce((total, sample) => total + sample.requests, 0);
  const spans = samples.reduce((total, sample) => total + sample.spans, 0);
  return [
    '## Tracing: what reached the collector',
    '',
    `Over its ${samples.length} process(es) under load, the traced service served ${integer(requests)} requests and ` +
      `the local OTLP sink received ${integer(spans)} spans: ${(spans / requests).toFixed(2)} a request. ` +
      "A request makes three (the HTTP server span, Fastify's request span and its handler span); fewer would " +
      'mean the batch processor dropped spans because its queue was full (`OTEL_BSP_MAX_QUEUE_SIZE`).',
    '',
  ];
}

function sleepSection(results: BenchResults): string[] {
  if (results.sleep.length === 0) return [];
  const { sleepRequests, sleepSeconds } = results.options;
  const rows = results.sleep.map((entry) => [
    labelOf(results, entry.contender),
    `${integer(entry.ok)} / ${integer(entry.requests)}`,
    entry.errors === 0
      ? '0'
      : `${integer(entry.errors)} (${Object.entries(entry.errorKinds)
          .map(([kind, count]) => `${kind}: ${count}`)
          .join(', ')})`,
    (entry.connectMs / MS_PER_SECOND).toFixed(2),
    (entry.wallMs / MS_PER_SECOND).toFixed(2),
    (entry.p50Ms / MS_PER_SECOND).toFixed(2),
    (entry.maxMs / MS_PER_SECOND).toFixed(2),
    mib(entry.idleRssBytes),
    mib(entry.peakRssBytes),
  ]);
  return [
    `## ${integer(sleepRequests)} concurrent sleeping requests`,
    '',
    `One wave of \`${sleepPath(sleepSeconds)}\` from a separate Node process (bench/sleep-client.ts) to a fresh ` +
      'server process: every connection opened and accepted first ("connect s"), then every request written at ' +
      'once, so the server holds them all together ("answers s": first request to last answer). Peak RSS is the ' +
      "server process's high-water mark (`VmHWM`).",
    '',
    table(
      ['contender', 'answered 200', 'errors', 'connect s', 'answers s', 'p50 s', 'max s', 'RSS idle', 'RSS peak'],
      rows,
    ),
    '',
  ];
}

function renderSection(results: BenchResults): string[] {
  if (results.render.length === 0) return [];
  const rows = results.render.map((entry) => [
    integer(entry.series),
    entry.format,
    integer(entry.lines),
    `${integer(entry.bytes / 1024)} KiB`,
    ms(entry.medianMs),
    ms(entry.p99Ms),
  ]);
  return [
    '## `/metrics` render time',
    '',
    "The service's own rendering (src/telemetry/metrics.ts, runtime metrics included), in a fresh process on " +
      'the server core. A label set of the duration histogram renders as one line per bucket plus `_sum` and ' +
      '`_count`, so "lines" counts what Prometheus stores as series.',
    '',
    table(['histogram label sets', 'format', 'lines', 'size', 'median ms', 'p99 ms'], rows),
    '',
  ];
}

function machineSection(results: BenchResults): string[] {
  const { machine, options } = results;
  const shared =
    machine.loadBefore > BUSY_LOAD
      ? [
          `> **The machine was shared during this run**: the 1-minute load average was ${machine.loadBefore.toFixed(2)} ` +
            `on ${machine.cores} cores before the bench added its own load. Absolute numbers are low and noisy; compare the ` +
            'ratios, paired within each round, and CPU µs/req.',
          '',
        ]
      : [];
  return [
    ...shared,
    '## How it was measured',
    '',
    `- ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}; commit ${machine.commit}; ${machine.date}.`,
    machine.pinned
      ? `- Server on core ${machine.cores - 1}; wrk (1 thread), the sleep client and the OTLP sink on core 0 (\`taskset\`).`
      : '- **Not pinned** (`taskset` missing or a single core): load and server competed for the same cores.',
    `- ${options.rounds} interleaved round(s): each round starts every contender in turn, one process at a time ` +
      '(each round starting one further along), warms it ' +
      `${options.warmupSeconds} s per route, then runs wrk for ${options.durationSeconds} s per route with ` +
      `${options.connections} connections. Figures are medians over rounds; ratios are the median of the ratios ` +
      'within each round.',
    '- The service runs as `npm start` does: metrics, one access log line a request at `info` (stdout to ' +
      '/dev/null), tracing off unless the OTLP endpoint is set, as for "tracing on", to a local sink process.',
    "- Bare Fastify runs the service's own route plugins (src/routes/root.ts, status.ts and the problem+json " +
      'handlers) with no logger, metrics, request ids or tracing; raw `node:http` answers the same bytes by hand. ' +
      "Starlette/Uvicorn is the seed's Python backend rebuilt from Debian packages (bench/servers/starlette_app.py).",
    "- CPU µs/req: the server process's CPU time (all its threads, from /proc) during the measured run, over " +
      'the requests it answered. Unlike req/s it barely moves when other work shares the machine; "× Fastify by ' +
      "CPU\" is bare Fastify's CPU per request over the contender's, paired by round.",
    "- Errors: socket errors and answers with a status other than the route's.",
    '',
    '## Versions',
    '',
    table(
      ['component', 'version'],
      Object.entries(machine.versions).map(([name, version]) => [name, version]),
    ),
    '',
  ];
}

export function renderReport(results: BenchResults): string {
  const skipped = results.skipped.map((entry) => `- Skipped ${entry.label}: ${entry.reason}.`);
  const targets = checkTargets(results).map((check) => [check.target, check.measured, verdict(check.met)]);
  return [
    '# Benchmark results',
    '',
    "Generated by `make bench` (bench/run.ts); the same numbers are in bench/results.json. One machine's " +
      'figures: the baselines were measured in the same run, so compare the ratios.',
    '',
    ...(skipped.length === 0 ? [] : [...skipped, '']),
    '## Targets',
    '',
    table(['target', 'measured', ''], targets),
    '',
    ...LOAD_SCENARIOS.flatMap(({ id }) => [`## Throughput: \`GET ${id}\``, '', loadTable(results, id), '']),
    ...tracingSection(results),
    ...sleepSection(results),
    ...renderSection(results),
    ...machineSection(results),
  ].join('\n');
}
