import type { SpanContext } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import { symbols } from 'pino';

/**
 * The access line, formatted here for the loggers `createLogger` makes: the same JSON object pino
 * writes (its level, time and bindings, then the fields, then `msg`), without pino's generic path,
 * which serializes an object of any shape key by key and cost a request more than the metrics.
 * Any other logger, or one set up in a way this does not reproduce, gets the line through pino.
 */

/** Set on the loggers `createLogger` makes, to the logger itself; its children inherit it. */
export const PLAIN_LOGGER = Symbol('fastify-http-telemetry.plainLogger');

/** The fields of the access line of an answered or abandoned request, in the order they are written. */
export interface AccessLineFields {
  http_request_method: string;
  http_route: string;
  url_path: string | undefined;
  http_response_status_code: number;
  duration_ms: number;
}

type PinoInternals = FastifyBaseLogger & {
  [PLAIN_LOGGER]?: PinoInternals;
  [key: symbol]: unknown;
  isLevelEnabled(level: string): boolean;
  levels: { values: Record<string, number> };
};
interface PinoStream {
  write(line: string): void;
  [key: symbol]: unknown;
}

const json = JSON.stringify;
/** A child's `msgPrefix`: in pino's symbols, though not in their types. */
const MSG_PREFIX = (symbols as unknown as Record<string, symbol>).msgPrefixSym as symbol;
const MESSAGES = new Map<string, string>();

/** Every key of the access line, `msg` included: a serializer for any of them changes the line. */
const LINE_KEYS = [
  'trace_id',
  'span_id',
  'http_request_method',
  'http_route',
  'url_path',
  'http_response_status_code',
  'duration_ms',
  'msg',
] as const;

const logFormatter = (logger: PinoInternals) => (logger[symbols.formattersSym] as { log?: unknown }).log;

/**
 * True when `log` writes the access line as its root, `createLogger`'s logger, does: no serializer
 * for the line's keys, and no log formatter, redaction or message prefix of its own. Fastify's
 * request loggers are children with a copy of the root's serializers (and a route's
 * `logSerializers`, if it has any), so the serializers are looked up key by key.
 */
function writesAsRoot(log: PinoInternals, root: PinoInternals): boolean {
  const serializers = log[symbols.serializersSym] as Record<string, unknown>;
  for (const key of LINE_KEYS) if (serializers[key] !== undefined) return false;
  return (
    log[MSG_PREFIX] === undefined &&
    log[symbols.stringifiersSym] === root[symbols.stringifiersSym] &&
    logFormatter(log) === logFormatter(root)
  );
}

/**
 * Writes the line and returns true, or returns false when pino has to write it: not a logger of
 * `createLogger` or one of its children that writes as it does, a stream that wants pino's
 * metadata, or a mixin that would add the active span's ids to a line that has none of its own.
 * The line goes through the logger's `streamWrite` hook (the redaction), as pino's would.
 */
export function writeAccessLine(
  logger: FastifyBaseLogger,
  level: 'info' | 'warn' | 'error',
  fields: AccessLineFields,
  message: string,
  spanContext: SpanContext | undefined,
): boolean {
  const log = logger as PinoInternals;
  const root = log[PLAIN_LOGGER];
  if (root === undefined || !writesAsRoot(log, root)) return false;
  if (spanContext === undefined && log[symbols.mixinSym] !== undefined) return false;
  const stream = log[symbols.streamSym] as PinoStream;
  if (stream[symbols.needsMetadataGsym] === true) return false;
  if (!log.isLevelEnabled(level)) return true;

  const levelValue = log.levels.values[level] as number;
  let msg = MESSAGES.get(message);
  if (msg === undefined) {
    msg = `,"msg":${json(message)}}\n`;
    MESSAGES.set(message, msg);
  }
  // Where pino's mixin puts the trace ids: after the bindings, before the line's own fields.
  const trace =
    spanContext === undefined ? '' : `,"trace_id":"${spanContext.traceId}","span_id":"${spanContext.spanId}"`;
  const path = fields.url_path === undefined ? '' : `,"url_path":${json(fields.url_path)}`;
  const line =
    `${(log[symbols.lsCacheSym] as Record<number, string>)[levelValue]}${(log[symbols.timeSym] as () => string)()}${log[symbols.chindingsSym] as string}${trace}` +
    `,"http_request_method":${json(fields.http_request_method)},"http_route":${json(fields.http_route)}${path}` +
    `,"http_response_status_code":${fields.http_response_status_code},"duration_ms":${fields.duration_ms}${msg}`;
  const { streamWrite } = log[symbols.hooksSym] as { streamWrite?: (line: string) => string };
  stream.write(streamWrite === undefined ? line : streamWrite(line));
  return true;
}
