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
 * carries OpenTelemetry's HTTP server attributes; Fastify's request span sits under it, and each
 * route's handler span under that, active while the handler runs (so its own spans and log lines
 * join the trace). Only made when an OpenTelemetry SDK was started (`tracing.ts`).
 */

const tracer = trace.getTracer('fastify-telemetry');
const FIRST_SERVER_ERROR = 500;

export interface RequestSpans {
  server: Span;
  request: Span;
  /** The request span's context: where hooks and the handler run. */
  context: Context;
  /** Set once a thrown error gave the request span its status. */
  errored: boolean;
}

function serverAttributes(request: FastifyRequest, path: string, route: string | undefined): Attributes {
  const { raw } = request;
  const query = request.url.indexOf('?');
  const [address, port] = (request.headers.host ?? '').split(':');
  const attributes: Attributes = {
    'http.request.method': request.method,
    'url.scheme': request.protocol,
    'url.path': path,
    'server.address': address,
    'network.protocol.version': raw.httpVersion,
    'client.address': raw.socket.remoteAddress,
  };
  if (query !== -1) attributes['url.query'] = request.url.slice(query + 1);
  if (port !== undefined) attributes['server.port'] = Number(port);
  if (request.headers['user-agent'] !== undefined) attributes['user_agent.original'] = request.headers['user-agent'];
  if (route !== undefined) attributes['http.route'] = route;
  return attributes;
}

/** Continues the caller's trace (W3C `traceparent`), or starts one. `route` is undefined for unmatched requests. */
export function startRequestSpans(request: FastifyRequest, route: string | undefined): RequestSpans {
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
  const requestAttributes: Attributes = { 'http.request.method': request.method, 'url.path': path };
  if (route !== undefined) requestAttributes['http.route'] = route;
  const requestSpan = tracer.startSpan('request', { attributes: requestAttributes }, serverContext);
  return { server, request: requestSpan, context: trace.setSpan(serverContext, requestSpan), errored: false };
}

/** A thrown error on a span: the exception event, and ERROR with its message. */
function recordError(span: Span, error: Error): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/** A thrown error, on Fastify's span: the server span follows the HTTP conventions (5xx only). */
export function recordRequestError(spans: RequestSpans, error: Error): void {
  recordError(spans.request, error);
  spans.errored = true;
}

/** Ends both spans; `statusCode` is undefined when the client left before the answer. */
export function endRequestSpans(spans: RequestSpans, statusCode: number | undefined): void {
  const serverError = statusCode !== undefined && statusCode >= FIRST_SERVER_ERROR;
  for (const span of [spans.request, spans.server]) {
    if (statusCode !== undefined) span.setAttribute('http.response.status_code', statusCode);
    // A thrown error's status keeps its description; a 5xx that threw nothing gets a bare ERROR.
    if (serverError && !(span === spans.request && spans.errored)) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
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
