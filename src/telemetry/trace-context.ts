import { isSpanContextValid, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

/**
 * Per-request trace helpers. They only read the active span through the OpenTelemetry API:
 * with no SDK started there is none, and they cost a lookup that finds nothing.
 */

/**
 * Paths of the routes marked `telemetry: false`, filled as they are registered. The HTTP
 * instrumentation decides before Fastify routes a request, so it can only match paths.
 */
export const untracedPaths = new Set<string>();

/** The active span's context, if there is a real one: with tracing off there never is. */
export function activeSpanContext(): SpanContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * The exemplar linking an observation to its trace: only for a sampled trace, one a trace
 * store will hold. Nothing is allocated when tracing is off.
 */
export function exemplarLabels(): { trace_id: string } | undefined {
  const spanContext = activeSpanContext();
  if (spanContext === undefined || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { trace_id: spanContext.traceId };
}
