import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../schemas/problem.ts';
import { BODY_LIMIT_BYTES } from '../server-limits.ts';
import { pathOf, sendProblem } from './problems.ts';

const BAD_REQUEST = 400;
const CONTENT_TOO_LARGE = 413;
/** Methods whose bodies Fastify never reads, so its `bodyLimit` never applies to them. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * What Node's parser lets through but the service must still refuse, as problems like every
 * other bad request:
 * - an HTTP/1.1 request without `Host` (RFC 9112 §3.2), which Node would answer with a bare 400;
 * - a body on GET or HEAD larger than the body limit, or of unknown length (chunked), which
 *   Node would otherwise read to the end and discard. Such an answer closes the connection,
 *   so the body is never read.
 */
const requestGuards: FastifyPluginCallback = (app, _options, done) => {
  app.addHook('onRequest', (request, reply, next) => {
    const { headers, raw } = request;
    if (headers.host === undefined && raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1) {
      const detail = 'host is required in HTTP/1.1';
      sendProblem(reply, problem(BAD_REQUEST, detail, pathOf(request), [{ in: 'header', name: 'host', detail }]));
      return;
    }
    if (
      BODYLESS_METHODS.has(request.method) &&
      (headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > BODY_LIMIT_BYTES)
    ) {
      const detail = `a ${request.method} request takes no body over ${BODY_LIMIT_BYTES} bytes, nor a chunked one`;
      reply.header('connection', 'close');
      sendProblem(reply, problem(CONTENT_TOO_LARGE, detail, pathOf(request), [{ in: 'body', name: 'body', detail }]));
      return;
    }
    next();
  });
  done();
};

export default fp(requestGuards, { name: 'request-guards' });
