import type { SpanContext } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import { writeAccessLine } from './access-line.ts';
import type { HttpMetrics } from './metrics.ts';
import { exemplarLabels } from './trace-context.ts';

const MS_PER_SECOND = 1000;
/** nginx's convention for "the client closed the connection before the answer". */
export const CLIENT_CLOSED_REQUEST = 499;
const FIRST_CLIENT_ERROR = 400;
const FIRST_SERVER_ERROR = 500;

/** What one finished request was, in the metric labels' words. */
export interface Outcome {
  /** The bounded method label (`_OTHER` outside the standard set). */
  http_request_method: string;
  /** The route template, or the unmatched label. */
  http_route: string;
  /** The path as the client sent it, without the query; unknown when the request line was unreadable. */
  url_path: string | undefined;
  http_response_status_code: number;
  duration_ms: number;
  /** Why a request was refused before routing: the error's code (`HPE_HEADER_OVERFLOW`, `FST_ERR_BAD_URL`)… */
  error_type?: string;
  /** …and its words (`Header overflow`). */
  reason?: string;
}

export function accessLogLevel(statusCode: number): 'info' | 'warn' | 'error' {
  if (statusCode >= FIRST_SERVER_ERROR) return 'error';
  if (statusCode >= FIRST_CLIENT_ERROR) return 'warn';
  return 'info';
}

/** The trace fields of an access line. */
interface TraceFields {
  trace_id?: string;
  span_id?: string;
}

/**
 * One observation and one access line for a finished request, answered, abandoned or rejected
 * before routing. Both carry the request's server span, when it has one; the line carries the
 * error its handling threw, if any, as `err`.
 */
export function record(
  metrics: HttpMetrics,
  log: FastifyBaseLogger,
  outcome: Outcome & TraceFields & { err?: Error },
  message: string,
  spanContext?: SpanContext,
  error?: Error,
): void {
  metrics.requestDuration.observe({
    labels: {
      http_request_method: outcome.http_request_method,
      http_route: outcome.http_route,
      http_response_status_code: outcome.http_response_status_code,
    },
    value: outcome.duration_ms / MS_PER_SECOND,
    exemplarLabels: exemplarLabels(spanContext),
  });
  outcome.duration_ms = Math.round(outcome.duration_ms * MS_PER_SECOND) / MS_PER_SECOND;
  const level = accessLogLevel(outcome.http_response_status_code);
  // An error needs pino's serializer, a refusal its two extra fields: those lines go through pino.
  const plain = error === undefined && outcome.error_type === undefined;
  if (plain && writeAccessLine(log, level, outcome, message, spanContext)) return;
  if (spanContext !== undefined) {
    outcome.trace_id = spanContext.traceId;
    outcome.span_id = spanContext.spanId;
  }
  // Last, after the short fields: pino's error serializer writes its type, message and stack.
  if (error !== undefined) outcome.err = error;
  log[level](outcome, message);
}
