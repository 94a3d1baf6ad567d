import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config.ts';

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

/** One JSON object a line: `time` (ISO 8601), `level` as a word, `msg`, `service`. */
export function createLogger({ level, service, destination }: LoggerOptions): Logger<never> {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    // Asynchronous writes keep logging off the request path; no minLength so lines
    // leave within one write cycle even when traffic is low.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
