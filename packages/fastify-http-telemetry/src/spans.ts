import { createRequire } from 'node:module';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { urlPath } from './http-labels.ts';

/**
 * A request's spans, made from the plugin's own hooks rather than by the HTTP and Fastify
 * instrumentations: the same spans and names, for a fraction of their cost (they patch every
 * event emitter and hook of every request). The server span is named `GET /users/{id}` and
 * carries OpenTelemetry's HTTP server attributes; each route's handler span sits under it (under
 * Fastify's `request` span, when asked for), active while the handler runs, so its own spans and
 * log lines join the trace. Only made when an OpenTelemetry SDK was started (`tracing.ts`).
 */

/** The instrumentation scope of every span: this package, at its version (src/ and dist/ sit beside its manifest). */
const { name: TRACER_NAME, version: TRACER_VERSION } = createRequire(import.meta.url)('../package.json') as {
  name: string;
  version: string;
};
const tracer = trace.getTracer(TRACER_NAME, TRACER_VERSION);
const FIRST_SERVER_ERROR = 500;

export interface RequestSpans {
  server: Span;
  /** Fastify's `request` span, when the plugin was asked for it (`requestSpan: true`). */
  request: Span | undefined;
  /** The innermost span's context: where hooks and the handler run. */
  context: Context;
  /** The first error the request's handling threw: it describes the 5xx status. */
  error: Error | undefined;
}

function serverAttributes(request: FastifyRequest, path: string, route: string | undefined): Attributes {
  const { raw } = request;
  const query = request.url.indexOf('?');
  // Fastify's reading of Host (or HTTP/2's :authority, or a trusted X-Forwarded-Host); an IPv6
  // address without its brackets, as the conventions write it.
  const { hostname, port } = request;
  const attributes: Attributes = {
    'http.request.method': request.method,
    'url.scheme': request.protocol,
    'url.path': path,
    'network.protocol.version': raw.httpVersion,
    'client.address': raw.socket.remoteAddress,
  };
  if (hostname !== '') attributes['server.address'] = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (port !== null) attributes['server.port'] = port;
  if (query !== -1) attributes['url.query'] = request.url.slice(query + 1);
  if (request.headers['user-agent'] !== undefined) attributes['user_agent.original'] = request.headers['user-agent'];
  if (route !== undefined) attributes['http.route'] = route;
  return attributes;
}

/**
 * Continues the caller's trace (W3C `traceparent`), or starts one. `route` is undefined for
 * unmatched requests. Fastify's `request` span, which repeats the server span's route and path,
 * is made only when asked for: it costs about as much as the server span.
 */
export function startRequestSpans(
  request: FastifyRequest,
  route: string | undefined,
  withRequestSpan: boolean,
): RequestSpans {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  // HTTP semantic conventions: `{method} {route}`, or the method alone when no route matched.
  const name = route === undefined ? request.method : `${request.method} ${route}`;
  const path = urlPath(request.url);
  const server = tracer.startSpan(
    name,
    { kind: SpanKind.SERVER, attributes: serverAttributes(request, path, route) },
    parent,
  );
  const serverContext = trace.setSpan(parent, server);
  if (!withRequestSpan) return { server, request: undefined, context: serverContext, error: undefined };
  const requestAttributes: Attributes = { 'http.request.method': request.method, 'url.path': path };
  if (route !== undefined) requestAttributes['http.route'] = route;
  const requestSpan = tracer.startSpan('request', { attributes: requestAttributes }, serverContext);
  return { server, request: requestSpan, context: trace.setSpan(serverContext, requestSpan), error: undefined };
}

/** A thrown error on a span: the exception event, and ERROR with its message. */
function recordError(span: Span, error: Error): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/**
 * A thrown error: on Fastify's span when there is one (ERROR at once), else as an event of the
 * server span, whose status follows the HTTP conventions (ERROR for a 5xx answer only).
 */
export function recordRequestError(spans: RequestSpans, error: Error): void {
  if (spans.error !== undefined) return;
  spans.error = error;
  if (spans.request === undefined) spans.server.recordException(error);
  else recordError(spans.request, error);
}

/** Ends the request's spans; `statusCode` is undefined when the client left before the answer. */
export function endRequestSpans(spans: RequestSpans, statusCode: number | undefined): void {
  const { request, server, error } = spans;
  if (statusCode !== undefined) {
    request?.setAttribute('http.response.status_code', statusCode);
    server.setAttribute('http.response.status_code', statusCode);
  }
  if (statusCode !== undefined && statusCode >= FIRST_SERVER_ERROR) {
    // Fastify's span already has its thrown error's status; a 5xx that threw nothing gets a bare ERROR.
    if (request !== undefined && error === undefined) request.setStatus({ code: SpanStatusCode.ERROR });
    server.setStatus(
      request === undefined && error !== undefined
        ? { code: SpanStatusCode.ERROR, message: error.message }
        : { code: SpanStatusCode.ERROR },
    );
  }
  request?.end();
  server.end();
}

/** A route handler that runs inside its own span, `name`, for the route `route`. */
export function tracedHandler(handler: RouteHandlerMethod, name: string, route: string): RouteHandlerMethod {
  // The same for every request of the route: worked out once, when the route is registered.
  const options = { attributes: { 'http.route': route } };
  return function traced(this: unknown, request: FastifyRequest, reply: FastifyReply) {
    const span = tracer.startSpan(name, options);
    const fail = (error: Error) => {
      recordError(span, error);
      span.end();
    };
    return context.with(trace.setSpan(context.active(), span), () => {
      try {
        const result = (handler as (this: unknown, ...args: unknown[]) => unknown).call(this, request, reply);
        if (result instanceof Promise) {
          return result.then(
            (value) => {
              span.end();
              return value;
            },
            (error: Error) => {
              fail(error);
              throw error;
            },
          );
        }
        span.end();
        return result;
      } catch (error) {
        fail(error as Error);
        throw error;
      }
    });
  } as RouteHandlerMethod;
}
