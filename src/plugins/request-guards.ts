import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../schemas/problem.ts';
import { BODY_LIMIT_BYTES, unboundedBody } from '../server-limits.ts';
import { pathOf, sendProblem } from './problems.ts';

const BAD_REQUEST = 400;
const CONTENT_TOO_LARGE = 413;
/** HTTP/1.0 as `major * 10 + minor`: every later version requires `Host`. */
const HTTP_1_0 = 10;
const HOST_LENGTH = 4;
/**
 * RFC 9112 §3.2's `uri-host [ ":" port ]` (RFC 3986 §3.2.2): a bracketed IP literal, or a
 * reg-name of unreserved characters, sub-delims and percent-encodings (empty is allowed).
 */
const VALID_HOST = /^(?:\[[\w.~!$&'()*+,;=:-]+\]|(?:[\w.~!$&'()*+,;=-]|%[\dA-Fa-f]{2})*)(?::\d*)?$/;

/** How many `Host` field lines the request had: Node keeps only the first in `headers`. */
function hostLines(raw: IncomingMessage): number {
  const names = raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < names.length; i += 2) {
    const name = names[i] as string;
    if (name.length === HOST_LENGTH && name.toLowerCase() === 'host') count++;
  }
  return count;
}

/** Why the request's `Host` breaks RFC 9112 §3.2, or undefined when it does not. */
function hostProblem(raw: IncomingMessage, host: string | undefined): string | undefined {
  if (host === undefined) {
    return raw.httpVersionMajor * 10 + raw.httpVersionMinor > HTTP_1_0
      ? `host is required in HTTP/${raw.httpVersion}`
      : undefined;
  }
  if (!VALID_HOST.test(host)) return 'host must be a host name or IP address, with an optional port';
  if (hostLines(raw) > 1) return 'host must be sent once';
  return undefined;
}

/**
 * What Node's parser lets through but the service must still refuse, as problems like every
 * other bad request:
 * - a body the service will not read and whose size is unbounded (`unboundedBody`): 413, and
 *   the connection closes, so the body is never read;
 * - a request breaking RFC 9112 §3.2: no `Host` in HTTP/1.1 or a later version (Node would answer
 *   a bare 400), more than one `Host`, or an invalid one: 400.
 */
const requestGuards: FastifyPluginCallback = (app, _options, done) => {
  // `Expect: 100-continue`: Node answers "100 Continue" before any hook runs unless the server
  // listens for this event, inviting a body the guard below then refuses. Only a body the service
  // may read is invited; the rest go straight to the guard's 413.
  app.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!unboundedBody(request.headers)) response.writeContinue();
    app.server.emit('request', request, response);
  });
  app.addHook('onRequest', (request, reply, next) => {
    const { headers, raw } = request;
    if (unboundedBody(headers)) {
      const detail = `the request body must be at most ${BODY_LIMIT_BYTES} bytes, with a Content-Length`;
      reply.header('connection', 'close');
      sendProblem(reply, problem(CONTENT_TOO_LARGE, detail, pathOf(request), [{ in: 'body', name: 'body', detail }]));
      return;
    }
    const hostError = hostProblem(raw, headers.host);
    if (hostError !== undefined) {
      sendProblem(
        reply,
        problem(BAD_REQUEST, hostError, pathOf(request), [{ in: 'header', name: 'host', detail: hostError }]),
      );
      return;
    }
    next();
  });
  done();
};

export default fp(requestGuards, { name: 'request-guards' });
