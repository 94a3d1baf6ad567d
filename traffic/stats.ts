import { Histogram } from './histogram.ts';
import { plannedRequests, type StreamPlan } from './scenarios.ts';

/** What one stream has sent and received so far. */
export class StreamStats {
  readonly plan: StreamPlan;
  readonly planned: number;
  readonly latency = new Histogram();
  readonly statuses = new Map<number, number>();
  /** Requests that got no answer (refused, reset, timed out), by reason. */
  readonly errors = new Map<string, number>();
  errorCount = 0;
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
    return this.latency.count + this.errorCount;
  }

  recordResponse(status: number, latencyMs: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.latency.record(latencyMs * 1000);
  }

  recordError(kind: string): void {
    this.errorCount++;
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
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
