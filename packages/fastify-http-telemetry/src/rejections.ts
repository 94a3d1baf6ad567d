import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { methodLabel, OTHER_METHOD, UNMATCHED_ROUTE, urlPath } from './http-labels.ts';
import { CLIENT_CLOSED_REQUEST, record } from './record.ts';

/**
 * Requests rejected before routing never reach a plugin's hooks: an undecodable URL goes to the
 * constructor's `frameworkErrors`, a request the HTTP parser refuses to its `clientErrorHandler`.
 * Fastify takes both only as constructor options, so the plugin exports wrappers that count and
 * log these like every other request, then let the app's own handlers (or plain defaults) answer.
 */

export type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;
export type ClientError = Parameters<NonNullable<FastifyServerOptions['clientErrorHandler']>>[0];
export type ClientErrorHandler = (this: FastifyInstance, error: ClientError, socket: Socket) => void;

export interface RejectionHandlers {
  frameworkErrors?: FrameworkErrorHandler;
  clientErrorHandler?: ClientErrorHandler;
}

const BAD_REQUEST = 400;
/** The status a parser error gets, as Node's and Fastify's default handlers answer it. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};
/** Bytes after a request that said `Connection: close`: not a request, nothing to answer. */
const DATA_AFTER_CLOSE = 'HPE_CLOSED_CONNECTION';

export function clientErrorStatus(error: ClientError): number {
  return CLIENT_ERROR_STATUS[error.code ?? ''] ?? BAD_REQUEST;
}

function defaultFrameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? BAD_REQUEST;
  reply
    .code(status)
    .send({ error: STATUS_CODES[status], code: error.code, message: error.message, statusCode: status });
}

function defaultClientErrorHandler(error: ClientError, socket: Socket): void {
  const status = clientErrorStatus(error);
  if (socket.writable)
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  socket.destroy(error);
}

/**
 * Method and path of the refused request, read from its own bytes only. The parser hands over the
 * chunk it was reading (`rawPacket`), which starts with the refused request only when it is all the
 * connection has sent and no request was parsed from it before: otherwise it may start with an
 * earlier request, or midway through this one, and nothing is read from it (`_OTHER`, no path).
 * A timeout (408) has no chunk at all.
 */
function refusedRequestLine(
  error: ClientError,
  socket: Socket,
  afterEarlierRequest: boolean,
): { method: string; path: string | undefined } {
  const chunk = error.rawPacket;
  if (afterEarlierRequest || !Buffer.isBuffer(chunk) || chunk.length !== socket.bytesRead) {
    return { method: OTHER_METHOD, path: undefined };
  }
  const [method = '', target = ''] = (chunk.toString('latin1').split('\r\n', 1)[0] ?? '').split(' ');
  const path = urlPath(target);
  return { method, path: path.startsWith('/') ? path : undefined };
}

/** Why a request was refused, for its log line: the error's code and its own words. */
function refusal(error: { code?: string; reason?: unknown; message: string }): { error_type: string; reason: string } {
  const reason = typeof error.reason === 'string' ? error.reason : error.message;
  return { error_type: error.code ?? 'unknown', reason };
}

/** A response the socket is still writing, for a request parsed before the bad bytes arrived. */
function inFlight(socket: Socket): ServerResponse | undefined {
  // Node's own clientError default consults this field to avoid answering over a response.
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

/** What to pass to `Fastify({ ...rejectionHandlers({ frameworkErrors, clientErrorHandler }) })`. */
export function rejectionHandlers(handlers: RejectionHandlers = {}): Required<RejectionHandlers> {
  const answerFrameworkError = handlers.frameworkErrors ?? defaultFrameworkErrors;
  const answerClientError = handlers.clientErrorHandler ?? defaultClientErrorHandler;

  function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    const start = performance.now();
    reply.raw.once('close', () => {
      const metrics = request.server.telemetry?.metrics;
      if (metrics === undefined) return;
      record(
        metrics,
        request.log,
        {
          http_request_method: methodLabel(request.method),
          http_route: UNMATCHED_ROUTE,
          url_path: urlPath(request.url),
          http_response_status_code: reply.sent ? reply.statusCode : CLIENT_CLOSED_REQUEST,
          duration_ms: performance.now() - start,
          ...refusal(error),
        },
        'request rejected before routing',
      );
    });
    answerFrameworkError(error, request, reply);
  }

  function clientErrorHandler(this: FastifyInstance, error: ClientError, socket: Socket): void {
    refuse.call(this, error, socket, false);
  }

  /** `afterEarlierRequest`: a request parsed from the same bytes was answered first. */
  function refuse(this: FastifyInstance, error: ClientError, socket: Socket, afterEarlierRequest: boolean): void {
    const response = inFlight(socket);
    if (response !== undefined) {
      // Answer in order: the request already parsed gets its response first. Bytes after its
      // `Connection: close` are not a request; anything else is one, refused after it.
      response.once('close', () => {
        if (error.code === DATA_AFTER_CLOSE || socket.destroyed) socket.destroy();
        else refuse.call(this, error, socket, true);
      });
      return;
    }
    if (error.code !== 'ECONNRESET' && !socket.destroyed && this.telemetry !== undefined) {
      const { method, path } = refusedRequestLine(error, socket, afterEarlierRequest);
      record(
        this.telemetry.metrics,
        this.log,
        {
          http_request_method: methodLabel(method),
          http_route: UNMATCHED_ROUTE,
          url_path: path,
          http_response_status_code: clientErrorStatus(error),
          // No request was read: the time it took the client is unknown.
          duration_ms: 0,
          ...refusal(error),
        },
        'request rejected by the HTTP parser',
      );
    }
    answerClientError.call(this, error, socket);
  }

  return { frameworkErrors, clientErrorHandler };
}
