import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { PLAIN_LOGGER } from './access-line.ts';
import { activeSpanContext, tracingStarted } from './trace-context.ts';

/**
 * Fields whose values never reach a log line: the credentials HTTP carries. Matched by name,
 * whatever its case, at any depth of the line as written (serializers' output and a child
 * logger's bindings included), whatever the value (a string, `set-cookie`'s array, an object).
 */
export const SECRET_FIELDS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'] as const;
const CENSOR = '[redacted]';
const SECRET = new Set<string>(SECRET_FIELDS);
/** One of them as a key of the line's JSON, `"Authorization":`: one scan of the line, ~0.2 µs for an access line. */
const SECRET_KEY = new RegExp(`"(?:${SECRET_FIELDS.join('|')})":`, 'i');

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;

/** Censors secret fields in place, at every depth, in arrays too (the value is a parsed line: nobody else's). */
function censor(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) censor(item);
  } else if (isObject(value)) {
    for (const key in value) {
      if (SECRET.has(key.toLowerCase())) value[key] = CENSOR;
      else censor(value[key]);
    }
  }
}

/**
 * A finished line (pino's JSON and its newline) with every secret field censored: the same
 * string when it has none, which is nearly every line. Done on the line as written, after the
 * serializers, because only there is everything that reaches the log in plain data: a Fastify
 * request logged as `{ req }` is a class instance whose fields are getters, and copying it to
 * censor its headers lost them all. pino's own `redact` needs the paths spelled out, and its
 * wildcards (`*.headers`) send every field of every line through a slow path; this scan costs a
 * line far less, and only a line with a secret is parsed and written again.
 */
export function redactLine(line: string): string {
  if (!SECRET_KEY.test(line)) return line;
  const parsed: unknown = JSON.parse(line);
  censor(parsed);
  return `${JSON.stringify(parsed)}\n`;
}

export interface LoggerOptions {
  level: LevelWithSilent;
  service: string;
  /** Where lines go; defaults to stdout, the lines of one event-loop turn in one write at its end. */
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
 * context; `SECRET_FIELDS` censored wherever they appear.
 *
 * Whether lines look for a trace is decided here, once, like the plugin's spans: make the logger
 * after tracing started (the `--import` entry does), or lines carry no trace ids.
 */
export function createLogger({ level, service, destination }: LoggerOptions): Logger<never> {
  const logger = pino(
    {
      level,
      base: { service },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redactLine },
      ...(tracingStarted() ? { mixin: traceContext, mixinMergeStrategy: mergeTraceContext } : {}),
    },
    // One write a turn keeps system calls off each request, and no line waits longer than its turn.
    destination ?? stdoutDestination(),
  );
  // The access line can be formatted without pino's generic path: this logger's setup is known.
  return Object.assign(logger, { [PLAIN_LOGGER]: logger });
}
