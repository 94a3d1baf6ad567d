import { createHistogram, type Histogram } from 'node:perf_hooks';
import type { StreamStats } from './stats.ts';

const PERCENTILES = [50, 95, 99] as const;
const US_PER_MS = 1000;
/** The terminal width the table and the status line are kept within. */
export const TABLE_COLUMNS = 80;

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

interface StreamSummary {
  path: string;
  route: string;
  /** The status the stream asked for; any other is counted in `errors`. */
  expect: number;
  /** `ab -c` of a counted stream; absent for a paced one. */
  concurrency?: number;
  /** Requests per second a paced stream aims at; absent for a counted one. */
  targetRate?: number;
  planned: number;
  sent: number;
  statuses: Record<string, number>;
  /** Requests with no answer plus answers with another status than `expect`. */
  errors: number;
  /** `errors` by reason: a system error code, or `HTTP <status>` for an unexpected answer. */
  errorKinds: Record<string, number>;
  aborted: number;
  /** This stream's own time, from its first request to its last answer. */
  elapsedSeconds: number;
  requestsPerSecond: number;
  latencyMs: Latency;
}

interface Totals {
  sent: number;
  statuses: Record<string, number>;
  errors: number;
  aborted: number;
  requestsPerSecond: number;
  latencyMs: Latency;
}

/** The run's outcome: what `--json` prints, and what the table shows. */
export interface Summary {
  scenario: string;
  url: string;
  interrupted: boolean;
  elapsedSeconds: number;
  streams: StreamSummary[];
  totals: Totals;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function latencyOf(histogram: Histogram): Latency {
  if (histogram.count === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const [p50 = 0, p95 = 0, p99 = 0] = PERCENTILES.map((p) => histogram.percentile(p) / US_PER_MS);
  return {
    p50: round(p50, 3),
    p95: round(p95, 3),
    p99: round(p99, 3),
    max: round(histogram.max / US_PER_MS, 3),
    mean: round(histogram.mean / US_PER_MS, 3),
  };
}

const byCode = (statuses: Map<number, number>) =>
  Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n]));

/** Failures by system error, then answers the stream did not ask for, by status. */
function errorKindsOf(stats: StreamStats): Record<string, number> {
  const kinds = Object.fromEntries(stats.failures);
  for (const [code, n] of [...stats.statuses].sort(([a], [b]) => a - b)) {
    if (code !== stats.plan.expect) kinds[`HTTP ${code}`] = n;
  }
  return kinds;
}

export function summarize(
  streams: StreamStats[],
  { scenario, url, interrupted }: { scenario: string; url: string; interrupted: boolean },
  now = performance.now(),
): Summary {
  const all = createHistogram();
  const statuses = new Map<number, number>();
  for (const stats of streams) {
    all.add(stats.latency);
    for (const [code, n] of stats.statuses) statuses.set(code, (statuses.get(code) ?? 0) + n);
  }
  const elapsedSeconds = Math.max(0, ...streams.map((s) => s.elapsedSeconds(now)));
  const sent = streams.reduce((sum, s) => sum + s.sent, 0);
  return {
    scenario,
    url,
    interrupted,
    elapsedSeconds: round(elapsedSeconds, 3),
    streams: streams.map((stats) => {
      const { load } = stats.plan;
      return {
        path: stats.plan.path,
        route: stats.plan.route,
        expect: stats.plan.expect,
        ...(load.kind === 'counted' ? { concurrency: load.concurrency } : { targetRate: round(load.rate, 3) }),
        planned: stats.planned,
        sent: stats.sent,
        statuses: byCode(stats.statuses),
        errors: stats.errors,
        errorKinds: errorKindsOf(stats),
        aborted: stats.aborted,
        elapsedSeconds: round(stats.elapsedSeconds(now), 3),
        requestsPerSecond: round(stats.requestsPerSecond(now), 1),
        latencyMs: latencyOf(stats.latency),
      };
    }),
    totals: {
      sent,
      statuses: byCode(statuses),
      errors: streams.reduce((sum, s) => sum + s.errors, 0),
      aborted: streams.reduce((sum, s) => sum + s.aborted, 0),
      requestsPerSecond: round(elapsedSeconds > 0 ? sent / elapsedSeconds : 0, 1),
      latencyMs: latencyOf(all),
    },
  };
}

/** Milliseconds in at most five characters, with as many decimals as their size deserves. */
function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** A paced stream's target: whole requests a second from 10 up. */
function formatRate(rate: number): string {
  return `${rate < 10 ? rate.toFixed(1) : rate.toFixed(0)}/s`;
}

/** Seconds in at most four characters up to 2¾ hours. */
function formatSeconds(seconds: number): string {
  return seconds < 100 ? seconds.toFixed(1) : seconds.toFixed(0);
}

/** The one table layout of the generator's output: `leftColumns` text columns, then right-aligned numbers. */
export function alignTable(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `items` after `label`, two spaces apart, broken into lines no wider than the table. */
function wrapped(label: string, items: string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line === '') line = `${label}${item}`;
    else if (line.length + 2 + item.length <= TABLE_COLUMNS) line += `  ${item}`;
    else {
      lines.push(line);
      line = `${' '.repeat(label.length)}${item}`;
    }
  }
  return [...lines, line];
}

/**
 * The end-of-run table, within 80 columns: a row per stream and a total, then the answers by status
 * and a line for each kind of error.
 */
export function renderTable(summary: Summary): string {
  const header = ['STREAM', 'LOAD', 'SENT', 'ERRORS', 'REQ/S', 'P50', 'P95', 'P99', 'TIME'];
  const row = (name: string, load: string, part: Totals, elapsedSeconds: number) => [
    name,
    load,
    String(part.sent),
    String(part.errors),
    part.requestsPerSecond.toFixed(0),
    ...PERCENTILES.map((p) => (part.latencyMs.max > 0 ? formatMs(part.latencyMs[`p${p}`]) : '-')),
    formatSeconds(elapsedSeconds),
  ];
  const rows = [
    header,
    ...summary.streams.map((s) =>
      row(
        s.path,
        s.concurrency === undefined ? formatRate(s.targetRate ?? 0) : `c=${s.concurrency}`,
        s,
        s.elapsedSeconds,
      ),
    ),
    row('total', '', summary.totals, summary.elapsedSeconds),
  ];
  const statuses = Object.entries(summary.totals.statuses).map(([code, n]) => `${code}: ${n}`);
  const notes = [
    'P50/P95/P99: latency in ms; TIME: seconds from first request to last answer.',
    ...wrapped('Answers by status: ', statuses.length > 0 ? statuses : ['none']),
  ];
  for (const s of summary.streams) {
    for (const [kind, n] of Object.entries(s.errorKinds)) {
      notes.push(
        kind.startsWith('HTTP ')
          ? `${s.path}: ${n} answered ${kind.slice(5)}, expected ${s.expect}`
          : `${s.path}: ${n} failed with ${kind}`,
      );
    }
  }
  if (summary.interrupted) {
    notes.push(
      `Interrupted after ${summary.elapsedSeconds.toFixed(1)} s: ${summary.totals.aborted} in flight abandoned (not counted above).`,
    );
  }
  return [alignTable(rows), ...notes].join('\n');
}
