import type { EventEmitter } from 'node:events';
import { context } from '@opentelemetry/api';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import { methodLabel, routeTemplate, UNMATCHED_ROUTE, urlPath } from './http-labels.ts';
import { createHttpMetrics, DEFAULT_BUCKETS, type HttpMetrics, prefersOpenMetrics } from './metrics.ts';
import { accessLogLevel, CLIENT_CLOSED_REQUEST, record } from './record.ts';
import { endRequestSpans, type RequestSpans, recordRequestError, startRequestSpans, tracedHandler } from './spans.ts';
import { tracingStarted } from './trace-context.ts';

export { OTHER_METHOD, UNMATCHED_ROUTE, urlPath } from './http-labels.ts';
export { ACTIVE_REQUESTS, DEFAULT_BUCKETS, REQUEST_DURATION } from './metrics.ts';
export { checkTracingEnv } from './otel-env.ts';
export { CLIENT_CLOSED_REQUEST } from './record.ts';
export {
  type ClientError,
  type ClientErrorHandler,
  clientErrorStatus,
  type FrameworkErrorHandler,
  type RejectionHandlers,
  rejectionHandlers,
} from './rejections.ts';
export { shutdownTracing, startTracing, type TracingOptions, tracingEnabled } from './tracing.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` marks a route that is not traffic (probes, `/metrics`): no metrics, no access line, no trace. */
    telemetry?: boolean;
    /** The route template used as the `http_route` label, set when the route is registered. */
    httpRoute?: string;
  }
  interface FastifyInstance {
    telemetry: Telemetry;
  }
  interface FastifyRequest {
    /** `performance.now()` when the request arrived. */
    telemetryStart: number;
    /** Its `http_server_active_requests` labels; undefined for requests that are not traffic. */
    telemetryLabels: ActiveRequestLabels | undefined;
    /** Its server and Fastify spans, when tracing is on. */
    telemetrySpans: RequestSpans | undefined;
    /** The unfinished requests of its HTTP/1 connection, while it is one of them. */
    telemetryOpen: FastifyRequest[] | undefined;
    /** The first error its handling threw, for its access line. */
    telemetryError: Error | undefined;
  }
}

interface ActiveRequestLabels {
  http_request_method: string;
  http_route: string;
}

export interface TelemetryOptions {
  /** Where the plugin serves the scrape endpoint; `false` serves none (render it yourself). Default `/metrics`. */
  metricsPath?: string | false;
  /** Upper bounds of the duration histogram's buckets, in seconds. Default: OpenTelemetry's, 5 ms to 10 s. */
  buckets?: readonly number[];
  /** `process_*` and `nodejs_*` metrics. Default `true`. */
  runtimeMetrics?: boolean;
  /** OpenAPI tags for the scrape route, when the app documents its routes. */
  metricsTags?: string[];
  /**
   * With tracing on, Fastify's `request` span between the server span and the handler's, as
   * @fastify/otel makes it. Default `false`: it repeats the server span's route and path, and
   * costs about as much.
   */
  requestSpan?: boolean;
}

/** The `app.telemetry` decorator. */
export interface Telemetry {
  /** Adds a metric of the app's own (created with `registers: []`) to what `/metrics` renders. */
  register: HttpMetrics['register'];
  /** The scrape answer for an `Accept` header: OpenMetrics with exemplars when preferred, else Prometheus text. */
  render(accept?: string): Promise<{ body: string; contentType: string }>;
  /** @internal The metrics behind the decorator, for the constructor's rejection handlers. */
  metrics: HttpMetrics;
}

/**
 * The name JavaScript gives an anonymous function written as the `handler` property of route
 * options (`app.route({ handler: async () => … })`): not a name its author chose.
 */
const PROPERTY_NAME = 'handler';

/**
 * A handler span's name: `handler - {its function's name}`, as @fastify/otel names it, or for an
 * anonymous handler (an inline arrow function) `handler - {route template}`, where @fastify/otel
 * would name whichever plugin registered the route (`fastify -> telemetry` at the root).
 */
function handlerSpanName(handler: RouteHandlerMethod, httpRoute: string): string {
  const named = handler.name !== '' && handler.name !== PROPERTY_NAME;
  return `handler - ${named ? handler.name : httpRoute}`;
}

/** The requests of one HTTP/1 connection not over yet: those left when it closes were abandoned. */
const OPEN_REQUESTS = Symbol('telemetry.openRequests');
type Connection = EventEmitter & { [OPEN_REQUESTS]?: FastifyRequest[] };
const ABANDONED = 'request aborted by client';
/** An error of a request that has no access line to carry it: a route not traffic, or a client that left. */
const ERRORED = 'request errored';
const INTERNAL_SERVER_ERROR = 500;

const EXPOSITION = { type: 'string', description: 'Prometheus text, or OpenMetrics with exemplars when asked for' };

/**
 * Route-template metrics (OpenTelemetry HTTP conventions), one access line a request, and the
 * scrape endpoint. Requests that end without an answer count as 499, thrown errors as 500.
 */
const telemetry: FastifyPluginCallback<TelemetryOptions> = (app, options, done) => {
  const metrics = createHttpMetrics({
    buckets: options.buckets ?? DEFAULT_BUCKETS,
    runtimeMetrics: options.runtimeMetrics ?? true,
  });
  app.decorate('telemetry', {
    register: metrics.register,
    render: (accept?: string) => metrics.render(prefersOpenMetrics(accept)),
    metrics,
  } satisfies Telemetry);

  // Decided once: spans only when an OpenTelemetry SDK was started before the app was built.
  const tracing = tracingStarted();
  const requestSpan = options.requestSpan ?? false;

  app.addHook('onRoute', (route) => {
    const httpRoute = routeTemplate(route.url);
    route.config = { ...route.config, httpRoute };
    if (tracing && route.config.telemetry !== false) {
      route.handler = tracedHandler(route.handler, handlerSpanName(route.handler, httpRoute), httpRoute);
    }
  });

  app.decorateRequest('telemetryStart', 0);
  app.decorateRequest('telemetryLabels', undefined);
  app.decorateRequest('telemetrySpans', undefined);
  app.decorateRequest('telemetryOpen', undefined);
  app.decorateRequest('telemetryError', undefined);

  // The labels are worked out once, here: `request.routeOptions` builds a new object at every read.
  app.addHook('onRequest', (request, _reply, next) => {
    const { config, url } = request.routeOptions;
    if (config.telemetry === false) return next();
    const route = config.httpRoute ?? (url === undefined ? undefined : routeTemplate(url));
    const labels = { http_request_method: methodLabel(request.method), http_route: route ?? UNMATCHED_ROUTE };
    request.telemetryStart = performance.now();
    request.telemetryLabels = labels;
    metrics.activeRequests.inc(labels);
    watchForAbandon(request);
    if (!tracing) return next();
    const spans = startRequestSpans(request, route, requestSpan);
    request.telemetrySpans = spans;
    // The rest of the request's hooks and its handler run in its trace.
    context.with(spans.context, next);
  });

  /**
   * A thrown error (or one passed to `reply.send`), logged once, with its stack: on the request's
   * access line, whatever the error handler answers (Fastify logs it only in its default handler,
   * and not at all with request logging off); alone, at once, when the request has no access line
   * to come.
   */
  app.addHook('onError', (request, _reply, error, next) => {
    if (request.telemetrySpans !== undefined) recordRequestError(request.telemetrySpans, error);
    if (request.telemetryLabels !== undefined) request.telemetryError ??= error;
    else {
      const status = (error as { statusCode?: number }).statusCode ?? INTERNAL_SERVER_ERROR;
      request.log[accessLogLevel(status)]({ err: error }, ERRORED);
    }
    next();
  });

  /**
   * A client that leaves before the answer never gets `onResponse`; without this the request
   * would stay "active" for ever and be missing from the counts. Fastify's `onRequestAbort`
   * would tell, at the price of a listener on every request; an HTTP/1 connection gets one, for
   * all its requests, since one of them is only abandoned when the connection closes.
   */
  function watchForAbandon(request: FastifyRequest): void {
    const { raw } = request;
    if (raw.httpVersionMajor > 1) {
      // An HTTP/2 stream is abandoned on its own, while its connection goes on.
      raw.once('close', () => {
        if (raw.aborted) finish(request, undefined, ABANDONED);
      });
      return;
    }
    const connection: Connection = raw.socket;
    let open = connection[OPEN_REQUESTS];
    if (open === undefined) {
      const requests: FastifyRequest[] = [];
      connection[OPEN_REQUESTS] = open = requests;
      connection.once('close', () => {
        for (const abandoned of [...requests]) finish(abandoned, undefined, ABANDONED);
      });
    }
    open.push(request);
    request.telemetryOpen = open;
  }

  /** The request is over, answered or abandoned; `statusCode` is undefined when the client left. */
  function finish(request: FastifyRequest, statusCode: number | undefined, message: string): void {
    const labels = request.telemetryLabels;
    if (labels === undefined) return;
    request.telemetryLabels = undefined;
    const open = request.telemetryOpen;
    // An array, not a Set: it rarely holds more than one, and a Set would hash every request.
    if (open !== undefined) {
      open.splice(open.indexOf(request), 1);
      request.telemetryOpen = undefined;
    }
    metrics.activeRequests.dec(labels);
    const spans = request.telemetrySpans;
    record(
      metrics,
      request.log,
      {
        http_request_method: labels.http_request_method,
        http_route: labels.http_route,
        url_path: urlPath(request.url),
        http_response_status_code: statusCode ?? CLIENT_CLOSED_REQUEST,
        duration_ms: performance.now() - request.telemetryStart,
      },
      message,
      spans?.server.spanContext(),
      request.telemetryError,
    );
    if (spans !== undefined) endRequestSpans(spans, statusCode);
  }

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next) => {
    finish(request, reply.statusCode, 'request completed');
    next();
  });

  if (options.metricsPath !== false) {
    app.get(
      options.metricsPath ?? '/metrics',
      {
        config: { telemetry: false },
        schema: {
          summary: 'Prometheus scrape endpoint',
          ...(options.metricsTags === undefined ? {} : { tags: options.metricsTags }),
          response: {
            200: {
              content: { 'text/plain': { schema: EXPOSITION }, 'application/openmetrics-text': { schema: EXPOSITION } },
            },
          },
        },
      },
      async (request, reply) => {
        const { body, contentType } = await app.telemetry.render(request.headers.accept);
        return reply.type(contentType).send(body);
      },
    );
  }
  done();
};

const plugin = fp(telemetry, { name: 'telemetry', fastify: '5.x' });
export default plugin;
/** The same plugin by name, for CommonJS: `const { telemetry } = require('fastify-http-telemetry')`. */
export { plugin as telemetry };
