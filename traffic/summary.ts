import { Histogram } from './histogram.ts';
import type { StreamStats } from './stats.ts';

const PERCENTILES = [50, 95, 99] as const;
const US_PER_MS = 1000;

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface StreamSummary {
  path: string;
  route: string;
  /** `ab -c` of a counted stream; absent for a paced one. */
  concurrency?: number;
  /** Requests per second a paced stream aims at; absent for a counted one. */
  targetRate?: number;
  planned: number;
  sent: number;
  statuses: Record<string, number>;
  errors: number;
  errorKinds: Record<string, number>;
  aborted: number;
  requestsPerSecond: number;
  latencyMs: Latency;
}

export interface Totals {
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

export function summarize(
  streams: StreamStats[],
  { scenario, url, interrupted }: { scenario: string; url: string; interrupted: boolean },
  now = performance.now(),
): Summary {
  const all = new Histogram();
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
        ...(load.kind === 'counted' ? { concurrency: load.concurrency } : { targetRate: round(load.rate, 3) }),
        planned: stats.planned,
        sent: stats.sent,
        statuses: byCode(stats.statuses),
        errors: stats.errorCount,
        errorKinds: Object.fromEntries(stats.errors),
        aborted: stats.aborted,
        requestsPerSecond: round(stats.requestsPerSecond(now), 1),
        latencyMs: latencyOf(stats.latency),
      };
    }),
    totals: {
      sent,
      statuses: byCode(statuses),
      errors: streams.reduce((sum, s) => sum + s.errorCount, 0),
      aborted: streams.reduce((sum, s) => sum + s.aborted, 0),
      requestsPerSecond: round(elapsedSeconds > 0 ? sent / elapsedSeconds : 0, 1),
      latencyMs: latencyOf(all),
    },
  };
}

/** Milliseconds with as many decimals as their size deserves. */
export function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 1000) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** Left-aligned first column, right-aligned numbers. */
function alignTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

/** The end-of-run table: a row per stream, a column per status seen, then a total row and notes. */
export function renderTable(summary: Summary): string {
  const codes = Object.keys(summary.totals.statuses);
  const header = ['STREAM', 'LOAD', 'SENT', ...codes, 'ERRORS', 'REQ/S', 'P50 MS', 'P95 MS', 'P99 MS'];
  const row = (name: string, load: string, part: Totals) => [
    name,
    load,
    String(part.sent),
    ...codes.map((code) => String(part.statuses[code] ?? '-')),
    String(part.errors),
    part.requestsPerSecond.toFixed(1),
    ...PERCENTILES.map((p) => (part.sent - part.errors > 0 ? formatMs(part.latencyMs[`p${p}`]) : '-')),
  ];
  const rows = [
    header,
    ...summary.streams.map((s) =>
      row(s.path, s.concurrency === undefined ? `${s.targetRate?.toFixed(1)}/s` : `c=${s.concurrency}`, s),
    ),
    row('total', '', summary.totals),
  ];
  const notes: string[] = [];
  for (const s of summary.streams) {
    for (const [kind, n] of Object.entries(s.errorKinds)) notes.push(`${s.path}: ${n} failed with ${kind}`);
  }
  if (summary.interrupted) {
    notes.push(
      `Interrupted after ${summary.elapsedSeconds.toFixed(1)} s: ${summary.totals.aborted} requests in flight were abandoned (not counted above).`,
    );
  }
  return [alignTable(rows), ...notes].join('\n');
}
