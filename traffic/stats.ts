import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { plannedRequests, type StreamPlan } from './scenarios.ts';

const US_PER_MS = 1000;

/** Node's HdrHistogram records whole numbers from 1: latencies go in as microseconds, at least 1. */
function recordLatency(histogram: RecordableHistogram, latencyMs: number): void {
  histogram.record(Math.max(1, Math.round(latencyMs * US_PER_MS)));
}

/** What one stream has sent and received so far. */
export class StreamStats {
  readonly plan: StreamPlan;
  readonly planned: number;
  /** Every answer's latency in µs, whatever its status. */
  readonly latency = createHistogram();
  readonly statuses = new Map<number, number>();
  /** Requests that got no answer (refused, reset, timed out), by reason. */
  readonly failures = new Map<string, number>();
  failed = 0;
  /** Answers with a status other than the one the stream asked for. */
  unexpected = 0;
  /** Requests in flight when the run was stopped: sent, but never answered. */
  aborted = 0;
  inFlight = 0;
  startedAt = 0;
  endedAt: number | undefined;

  constructor(plan: StreamPlan) {
    this.plan = plan;
    this.planned = plannedRequests(plan);
  }

  /** Requests finished, answered or failed: the `sent` of the summary. */
  get sent(): number {
    return this.latency.count + this.failed;
  }

  /** Failed requests and unexpected answers: what makes the run fail. */
  get errors(): number {
    return this.failed + this.unexpected;
  }

  recordResponse(status: number, latencyMs: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status !== this.plan.expect) this.unexpected++;
    recordLatency(this.latency, latencyMs);
  }

  recordFailure(kind: string): void {
    this.failed++;
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }

  /** Seconds from the stream's first request to its last answer (or to now, while it runs). */
  elapsedSeconds(now = performance.now()): number {
    return ((this.endedAt ?? now) - this.startedAt) / 1000;
  }

  requestsPerSecond(now = performance.now()): number {
    const elapsed = this.elapsedSeconds(now);
    return elapsed > 0 ? this.sent / elapsed : 0;
  }
}
