import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config.ts';
import { activeSpanContext } from './tracing.ts';

/** Secret headers never reach a log line, whether headers are logged alone or inside an object. */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["proxy-authorization"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["proxy-authorization"]',
];

export interface LoggerOptions {
  level: LogLevel;
  service: string;
  /** Where lines go; defaults to an asynchronous stdout that `logger.flush()` drains on shutdown. */
  destination?: DestinationStream;
}

/** Returned when no span is active; recognised by identity so it is never written to. */
const NO_TRACE_CONTEXT = Object.freeze({});

/**
 * `trace_id` and `span_id` (lowercase hex) of the active span, for lines written inside a
 * traced request. With tracing off the API has no context manager and this finds nothing.
 */
export function traceContext(): { trace_id?: string; span_id?: string } {
  const spanContext = activeSpanContext();
  if (spanContext === undefined) return NO_TRACE_CONTEXT;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** pino's default merge writes the line's fields into the mixin's object; the shared empty one must stay empty. */
function mergeTraceContext(mergeObject: object, mixinObject: object): object {
  return mixinObject === NO_TRACE_CONTEXT ? mergeObject : Object.assign(mixinObject, mergeObject);
}

/** One JSON object a line: `time` (ISO 8601), `level` as a word, `msg`, `service`, and the trace context. */
export function createLogger({ level, service, destination }: LoggerOptions): Logger<never> {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: traceContext,
      mixinMergeStrategy: mergeTraceContext,
    },
    // Asynchronous writes keep logging off the request path; no minLength so lines
    // leave within one write cycle even when traffic is low.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
