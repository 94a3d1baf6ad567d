import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Nothing this service answers is meant to be framed, sniffed or to load anything remote:
 * JSON and metrics need no resources at all, the /docs page only its own script and styles.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Scalar's page: its script and styles are served by this process; inline ones start it. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Set on every answer, including errors, 404s and the ones written before routing. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** Every security header of an answer, worked out once: per request only the choice between them is made. */
export const API_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': API_CSP };
const PAGE_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP };

function setSecurityHeaders(reply: FastifyReply, contentType: unknown): void {
  reply.headers(typeof contentType === 'string' && contentType.startsWith('text/html') ? PAGE_HEADERS : API_HEADERS);
}

type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Errors Fastify answers before routing (a URL that cannot be decoded) skip every hook, this
 * plugin's too: the wrapped handler's reply gets the same headers.
 */
export function withSecurityHeaders(handler: FrameworkErrorHandler): FrameworkErrorHandler {
  return (error, request, reply) => {
    setSecurityHeaders(reply, undefined);
    handler(error, request, reply);
  };
}

/**
 * Security headers and a content policy on every response. (Problem bodies, the only ones that
 * carry the request's input back, are escaped where they are serialized: `serializeProblem`.)
 * No HSTS: the service speaks plain HTTP; the TLS terminator in front of it sets that.
 */
const securityHeaders: FastifyPluginCallback = (app, _options, done) => {
  app.addHook('onSend', (_request, reply, payload, next) => {
    setSecurityHeaders(reply, reply.getHeader('content-type'));
    next(null, payload);
  });
  done();
};

export default fp(securityHeaders, { name: 'security-headers' });
