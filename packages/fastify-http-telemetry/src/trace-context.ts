import { isSpanContextValid, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

/**
 * Per-request trace helpers. They only read the active span through the OpenTelemetry API:
 * with no SDK started there is none, and they cost a lookup that finds nothing.
 */

let sdkStarted = false;

/** Set by `startTracing`: from then on the plugin makes spans for the apps registered after. */
export function markTracingStarted(started: boolean): void {
  sdkStarted = started;
}

export function tracingStarted(): boolean {
  return sdkStarted;
}

/** The active span's context, if there is a real one: with tracing off there never is. */
export function activeSpanContext(): SpanContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * The exemplar linking an observation to its trace: only for a sampled trace, one a trace
 * store will hold. Nothing is allocated when tracing is off.
 */
export function exemplarLabels(spanContext: SpanContext | undefined): { trace_id: string } | undefined {
  if (spanContext === undefined || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { trace_id: spanContext.traceId };
}
