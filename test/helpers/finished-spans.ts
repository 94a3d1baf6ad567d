import type { TracingOptions } from 'fastify-http-telemetry';

type SpanProcessor = NonNullable<TracingOptions['spanProcessors']>[number];
export type FinishedSpan = Parameters<SpanProcessor['onEnd']>[0];

/**
 * A span processor that keeps every recorded span as it ends: what the SDK's in-memory exporter
 * gives, without naming the SDK's trace package, whose name and API differ between the
 * OpenTelemetry lines. Passed to the real SDK through `startTracing({ spanProcessors })`.
 */
export class FinishedSpans implements SpanProcessor {
  readonly spans: FinishedSpan[] = [];

  onStart(): void {}

  onEnd(span: FinishedSpan): void {
    this.spans.push(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  reset(): void {
    this.spans.length = 0;
  }
}
