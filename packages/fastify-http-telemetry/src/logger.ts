import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { activeSpanContext, tracingStarted } from './trace-context.ts';

/** Headers whose values never reach a log line. Node gives header names in lowercase. */
export const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'] as const;
const CENSOR = '[redacted]';

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;

/** The headers with every secret censored: the same object when there is none, else a copy. */
function censorHeaders(headers: Fields): Fields {
  let censored: Fields | undefined;
  for (const name of SECRET_HEADERS) {
    if (headers[name] === undefined) continue;
    censored ??= { ...headers };
    censored[name] = CENSOR;
  }
  return censored ?? headers;
}

/**
 * Censors secret headers wherever a line logs them: `headers` itself, or one level down
 * (`req.headers`, `upstream.headers`). Copy-on-write, so the caller's objects stay as they were.
 * (A child logger's bindings are not lines: bind no headers.)
 * Done here rather than with pino's `redact`: its `*.headers` wildcard sends every field of every
 * line through a slow path, and cost the access line more than all the metrics together.
 */
export function redactSecrets(line: Fields): Fields {
  let redacted = line;
  for (const key in line) {
    const value = line[key];
    if (!isObject(value)) continue;
    if (key === 'headers') {
      const headers = censorHeaders(value);
      if (headers !== value) redacted = { ...redacted, headers };
    } else if (isObject(value.headers)) {
      const headers = censorHeaders(value.headers);
      if (headers !== value.headers) redacted = { ...redacted, [key]: { ...value, headers } };
    }
  }
  return redacted;
}

export interface LoggerOptions {
  level: LevelWithSilent;
  service: string;
  /** Where lines go; defaults to stdout, asynchronously. */
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

/**
 * stdout, in batches: the lines of one event-loop turn leave together, in one synchronous write
 * at the end of that turn (pino's own default is a synchronous write a line). A write costs a
 * system call, several times what formatting a line does, and an asynchronous one also a
 * hand-off to libuv's thread pool and a wake-up of the loop; under load a turn answers many
 * requests, and their lines share one write. Nothing waits on a timer, and `logger.flush()`
 * has nothing to wait for once it has written what is pending.
 */
function stdoutDestination(): DestinationStream & { flush(callback?: () => void): void } {
  const stream = pino.destination({ dest: 1, sync: true });
  let pending = '';
  function writePending(): void {
    if (pending === '') return;
    const lines = pending;
    pending = '';
    stream.write(lines);
  }
  // A process that ends mid-turn (process.exit, a crash) still writes its last lines.
  process.once('exit', writePending);
  return {
    write(line: string) {
      if (pending === '') setImmediate(writePending);
      pending += line;
    },
    flush(callback) {
      writePending();
      callback?.();
    },
  };
}

let lastTimeMs = 0;
let lastTime = '';

/**
 * pino's ISO 8601 `time`, formatted once a millisecond: under load many lines share one, and
 * `toISOString()` was a visible part of each line's cost.
 */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastTimeMs) {
    lastTimeMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/**
 * One JSON object a line: `time` (ISO 8601), `level` as a word, `msg`, `service`, and the trace
 * context. Whether lines look for a trace is decided here, once, like the plugin's spans: make
 * the logger after tracing started (the `--import` entry does), or lines carry no trace ids.
 */
export function createLogger({ level, service, destination }: LoggerOptions): Logger<never> {
  return pino(
    {
      level,
      base: { service },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactSecrets },
      ...(tracingStarted() ? { mixin: traceContext, mixinMergeStrategy: mergeTraceContext } : {}),
    },
    // Asynchronous writes keep logging off the request path; no minLength so lines
    // leave within one write cycle even when traffic is low.
    destination ?? stdoutDestination(),
  );
}
