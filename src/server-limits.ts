import { type IncomingHttpHeaders, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import { type ClientError, clientErrorStatus } from 'fastify-http-telemetry';
import { API_HEADERS } from './plugins/security-headers.ts';
import { PROBLEM_CONTENT_TYPE, problem } from './schemas/problem.ts';

/** No route takes a body: a small cap makes a flood of uploads cheap to refuse (413). */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Node's default, stated on purpose: a larger header block is answered 431 and never buffered. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A client has this long to send its request headers (slow-header clients are cut off). */
export const HEADERS_TIMEOUT_MS = 10_000;
/**
 * How often Node looks for requests past those timeouts: they fire up to this much late. Node's
 * default, 30 s, made the 10 s header cut-off 10 to 40 s. The sweep visits the connections with an
 * unfinished request, once a second: nothing per request.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1000;
/** Added to the longest sleep, so no timeout ever ends a request the service is meant to answer. */
const TIMEOUT_MARGIN_SECONDS = 10;

const MS_PER_SECOND = 1000;

/**
 * True when the request carries a body the service will not read and cannot bound by its declared
 * length: chunked (of unknown length) or declared larger than the body limit. No route takes a
 * body, so Node would read such a body to its end to discard it, on any route, method and content
 * type; the answer closes the connection instead, so it is never read.
 */
export function unboundedBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && Number(length) > BODY_LIMIT_BYTES;
}

const CLIENT_ERROR_DETAIL: Record<number, string> = {
  431: `The request headers exceed ${MAX_HEADER_BYTES} bytes`,
  413: 'The chunk extensions are too large',
  408: 'The request was not received in time',
  400: 'The request could not be parsed as HTTP',
};

/** The security headers of every API answer (content policy included), as header lines. */
const SECURITY_HEADER_LINES = Object.entries(API_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * What Node's HTTP parser rejects before Fastify sees a request (headers too large, not HTTP,
 * too slow), answered like every other error: problem+json with the security headers and a
 * `Date` (RFC 9110 §6.6.1), then the socket closes. There is no parsed request, so the problem
 * has no `instance`.
 */
export function clientErrorHandler(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = clientErrorStatus(error);
  if (socket.writable) {
    const { instance: _none, ...body } = problem(status, CLIENT_ERROR_DETAIL[status] ?? 'Bad request', '');
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ndate: ${new Date().toUTCString()}\r\nconnection: close\r\n` +
        `content-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(json)}\r\n` +
        `${SECURITY_HEADER_LINES}\r\n${json}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's server limits. The headers and request timeouts bound how long a client takes to
 * send a request, Fastify's keep-alive timeout how long an idle connection stays open; the
 * request timeout stays above `maxSleepSeconds` by a margin, so it never ends a sleep.
 * No idle-socket timeout (`connectionTimeout`, off by default in Node and Fastify): Node
 * re-arms it at every read and write, the dearest of these limits under load, and what it
 * would add (a client that stops reading an answer) is the proxy's or load balancer's to cut.
 */
export function serverLimits({ maxSleepSeconds }: { maxSleepSeconds: number }) {
  const longestRequestMs = Math.ceil((maxSleepSeconds + TIMEOUT_MARGIN_SECONDS) * MS_PER_SECOND);
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    // Node's own Host check answers a bare 400; request-guards answers it as a problem instead.
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
      requireHostHeader: false,
    },
    requestTimeout: longestRequestMs,
  } satisfies FastifyHttpOptions<Server>;
}
