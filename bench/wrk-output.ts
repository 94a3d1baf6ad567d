/** Reads the line `wrk-report.lua` prints at the end of a wrk run. */

const MARKER = 'BENCH_RESULT ';
const US_PER_MS = 1000;
const US_PER_SECOND = 1_000_000;

interface WrkReport {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { p50: number; p99: number; max: number };
}

export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connections that failed to connect, read, write, or timed out. */
  socketErrors: number;
  /** Answers with a status of 400 or more (wrk counts them, it does not fail on them). */
  statusAbove399: number;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`wrk printed no ${MARKER.trim()} line:\n${stdout}`);
  const report = JSON.parse(line.slice(MARKER.length)) as WrkReport;
  const counts = [
    report.requests,
    report.duration_us,
    ...Object.values(report.errors ?? {}),
    ...Object.values(report.latency_us ?? {}),
  ];
  if (counts.length !== 10 || !counts.every(isCount) || report.duration_us === 0) {
    throw new Error(`unexpected wrk result: ${line}`);
  }
  const { errors, latency_us: latency } = report;
  const durationSeconds = report.duration_us / US_PER_SECOND;
  return {
    requests: report.requests,
    durationSeconds,
    requestsPerSecond: report.requests / durationSeconds,
    p50Ms: latency.p50 / US_PER_MS,
    p99Ms: latency.p99 / US_PER_MS,
    maxMs: latency.max / US_PER_MS,
    socketErrors: errors.connect + errors.read + errors.write + errors.timeout,
    statusAbove399: errors.status,
  };
}

/** Answers whose status is not the route's: wrk only tells 4xx/5xx apart from the rest. */
export function unexpectedStatuses(result: WrkResult, expectedStatus: number): number {
  const FIRST_COUNTED_STATUS = 400;
  return expectedStatus >= FIRST_COUNTED_STATUS ? result.requests - result.statusAbove399 : result.statusAbove399;
}
