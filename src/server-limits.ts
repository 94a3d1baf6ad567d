import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import { SECURITY_HEADERS } from './plugins/security-headers.ts';
import { PROBLEM_CONTENT_TYPE, problem } from './schemas/problem.ts';

/** No route takes a body: a small cap makes a flood of uploads cheap to refuse (413). */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Node's default, stated on purpose: a larger header block is answered 431 and never buffered. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A client has this long to send its request headers (slow-header clients are cut off). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Added to the longest sleep, so no timeout ever ends a request the service is meant to answer. */
export const TIMEOUT_MARGIN_SECONDS = 10;

const MS_PER_SECOND = 1000;
const BAD_REQUEST = 400;
const CLIENT_ERROR_STATUS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };
const CLIENT_ERROR_DETAIL: Record<number, string> = {
  431: `The request headers exceed ${MAX_HEADER_BYTES} bytes`,
  408: 'The request was not received in time',
  400: 'The request could not be parsed as HTTP',
};

/**
 * What Node's HTTP parser rejects before Fastify sees a request (headers too large, not HTTP),
 * answered like every other error: problem+json with the security headers, then the socket
 * closes. There is no parsed request, so the problem has no `instance`.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? BAD_REQUEST;
  this.log.warn({ err_code: error.code, http_response_status_code: status }, 'request rejected by the HTTP parser');
  if (socket.writable) {
    const { instance: _none, ...body } = problem(status, CLIENT_ERROR_DETAIL[status] ?? 'Bad request', '');
    const json = JSON.stringify(body);
    const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(json)}\r\n${headers.join('')}\r\n${json}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's server limits. The idle-socket timeout is the one that would end a sleeping
 * request (nothing moves on the socket while it sleeps) and the request timeout bounds a slow
 * upload; both stay above `maxSleepSeconds` by a margin.
 */
export function serverLimits({ maxSleepSeconds }: { maxSleepSeconds: number }) {
  const longestRequestMs = Math.ceil((maxSleepSeconds + TIMEOUT_MARGIN_SECONDS) * MS_PER_SECOND);
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    http: { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS },
    requestTimeout: longestRequestMs,
    connectionTimeout: longestRequestMs,
    clientErrorHandler,
  } satisfies FastifyHttpOptions<Server>;
}
