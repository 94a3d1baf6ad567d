import { setTimeout as delay } from 'node:timers/promises';
import { countKey, NotScrapedError, PrometheusError, REQUEST_COUNT, requestCounts, scrapeState } from './prometheus.ts';
import { alignTable, type Summary } from './summary.ts';

/** How long to wait for Prometheus's next scrape of the service: many intervals of the repository's 3 s. */
const SCRAPE_DEADLINE_MS = 30_000;
const POLL_INTERVAL_MS = 500;
/** The service counts a request as its answer leaves: one more round of scrapes before a mismatch stands. */
const SCRAPE_ROUNDS_AFTER_RUN = 2;

interface CountRow {
  route: string;
  status: string;
  sent: number;
  /** The increase Prometheus saw over the run. */
  counted: number;
}

export interface Verification {
  prometheus: string;
  job: string;
  passed: boolean;
  rows: CountRow[];
}

export interface Baseline {
  job: string;
  counts: Map<string, number>;
}

/** What the service should have counted: every answer received, by the route it was sent to and its status. */
export function expectedCounts(summary: Summary): Map<string, number> {
  const expected = new Map<string, number>();
  for (const stream of summary.streams) {
    for (const [status, n] of Object.entries(stream.statuses)) {
      const key = countKey(stream.route, status);
      expected.set(key, (expected.get(key) ?? 0) + n);
    }
  }
  return expected;
}

/** A row for every route and status that was sent or that Prometheus saw increase; sorted. */
export function compareCounts(
  expected: Map<string, number>,
  before: Map<string, number>,
  after: Map<string, number>,
): CountRow[] {
  const keys = new Set([...expected.keys(), ...after.keys()]);
  const rows: CountRow[] = [];
  for (const key of keys) {
    const sent = expected.get(key) ?? 0;
    const counted = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    if (sent === 0 && counted === 0) continue;
    const split = key.lastIndexOf(' ');
    rows.push({ route: key.slice(0, split), status: key.slice(split + 1), sent, counted });
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route) || a.status.localeCompare(b.status));
}

/**
 * Resolves once Prometheus has scraped every target of `job` since this call, by its own clock: with
 * replicas, each one's latest counts are then in. A target not up yet is waited for, until the deadline.
 */
async function everyTargetScraped(prometheus: URL, job: string, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + SCRAPE_DEADLINE_MS;
  let since: number | undefined;
  let problem: string | undefined;
  for (;;) {
    try {
      const { now, oldestScrape } = await scrapeState(prometheus, job);
      // A target that was down is scraped after this call whenever it comes up.
      since ??= now;
      if (oldestScrape > since) return;
      problem = undefined;
    } catch (error) {
      if (!(error instanceof NotScrapedError)) throw error;
      problem = error.message;
    }
    if (Date.now() > deadline) {
      const stale = `Prometheus at ${prometheus.origin} has not scraped every target of job "${job}"`;
      throw new PrometheusError(`${problem ?? stale} (waited ${SCRAPE_DEADLINE_MS / 1000} s)`);
    }
    await delay(POLL_INTERVAL_MS, undefined, { signal });
  }
}

/**
 * The counters before the run, from scrapes of every target that began after this call: whatever
 * the service answered earlier is in them, so only the run's own requests make the difference.
 */
export async function takeBaseline(prometheus: URL, job: string, signal?: AbortSignal): Promise<Baseline> {
  await everyTargetScraped(prometheus, job, signal);
  return { job, counts: await requestCounts(prometheus, job) };
}

/** Waits for every target's scrape after the run and compares the counters' increase with what was sent. */
export async function verifyCounts(
  prometheus: URL,
  baseline: Baseline,
  summary: Summary,
  signal?: AbortSignal,
): Promise<Verification> {
  const { job } = baseline;
  const expected = expectedCounts(summary);
  let rows: CountRow[] = [];
  for (let round = 0; round < SCRAPE_ROUNDS_AFTER_RUN; round++) {
    await everyTargetScraped(prometheus, job, signal);
    rows = compareCounts(expected, baseline.counts, await requestCounts(prometheus, job));
    if (rows.every((row) => row.sent === row.counted)) break;
  }
  return {
    prometheus: prometheus.origin,
    job,
    passed: rows.every((row) => row.sent === row.counted),
    rows,
  };
}

export function renderVerification(verification: Verification): string {
  const header = ['ROUTE', 'STATUS', 'SENT', 'COUNTED', ''];
  const body = verification.rows.map((row) => [
    row.route,
    row.status,
    String(row.sent),
    String(row.counted),
    row.sent === row.counted ? 'ok' : 'MISMATCH',
  ]);
  const table = alignTable([header, ...body], 2);
  const sent = verification.rows.reduce((sum, row) => sum + row.sent, 0);
  const verdict = verification.passed
    ? `Verified: Prometheus counted all ${sent} requests, by route and status.`
    : 'MISMATCH: Prometheus did not count what was sent (another target, other traffic, or requests lost).';
  return [
    `Prometheus ${verification.prometheus}, job "${verification.job}": increase of ${REQUEST_COUNT} over the run, summed over its targets`,
    table,
    verdict,
  ].join('\n');
}
