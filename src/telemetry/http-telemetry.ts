import { TraceFlags } from '@opentelemetry/api';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { methodLabel, routeTemplate, UNMATCHED_ROUTE, urlPath } from './http-labels.ts';
import type { HttpMetrics } from './metrics.ts';
import { activeSpanContext } from './tracing.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` marks a route that is not traffic (probes, `/metrics`): no metrics, no access line. */
    telemetry?: boolean;
    /** The route template used as the `http_route` label, set when the route is registered. */
    httpRoute?: string;
  }
  interface FastifyRequest {
    /** `performance.now()` when the request arrived. */
    telemetryStart: number;
    /** Its `http_server_active_requests` labels; undefined for requests that are not traffic. */
    telemetryLabels: ActiveRequestLabels | undefined;
  }
}

interface ActiveRequestLabels {
  http_request_method: string;
  http_route: string;
}

export interface HttpTelemetryOptions {
  metrics: HttpMetrics;
}

const MS_PER_SECOND = 1000;
/** nginx's convention for "the client closed the connection before the answer". */
export const CLIENT_CLOSED_REQUEST = 499;

function accessLogLevel(statusCode: number): 'info' | 'warn' | 'error' {
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'warn';
  return 'info';
}

/**
 * The exemplar linking this observation to its trace: only for a sampled trace, one a trace
 * store will hold. The active span is the request's HTTP server span here, in `onResponse`
 * and `onRequestAbort` alike. Nothing is allocated when tracing is off.
 */
function exemplarLabels(): { trace_id: string } | undefined {
  const spanContext = activeSpanContext();
  if (spanContext === undefined || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { trace_id: spanContext.traceId };
}

/** Metrics and the one access line per request, from the same two hooks; both carry the trace when there is one. */
const httpTelemetry: FastifyPluginCallback<HttpTelemetryOptions> = (app, { metrics }, done) => {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, httpRoute: routeTemplate(route.url) };
  });

  app.decorateRequest('telemetryStart', 0);
  app.decorateRequest('telemetryLabels', undefined);

  // The labels are worked out once, here: `request.routeOptions` builds a new object at every read.
  app.addHook('onRequest', (request, _reply, next) => {
    const { config } = request.routeOptions;
    if (config.telemetry !== false) {
      const labels = {
        http_request_method: methodLabel(request.method),
        http_route: config.httpRoute ?? UNMATCHED_ROUTE,
      };
      request.telemetryStart = performance.now();
      request.telemetryLabels = labels;
      metrics.activeRequests.inc(labels);
    }
    next();
  });

  /** The request is over, answered or abandoned: one observation, one access line. */
  function record(request: FastifyRequest, statusCode: number, message: string): void {
    const labels = request.telemetryLabels;
    if (labels === undefined) return;
    const durationMs = performance.now() - request.telemetryStart;
    metrics.activeRequests.dec(labels);
    metrics.requestDuration.observe({
      labels: { ...labels, http_response_status_code: statusCode },
      value: durationMs / MS_PER_SECOND,
      exemplarLabels: exemplarLabels(),
    });
    request.log[accessLogLevel(statusCode)](
      {
        http_request_method: request.method,
        http_route: labels.http_route,
        url_path: urlPath(request.url),
        http_response_status_code: statusCode,
        duration_ms: Math.round(durationMs * MS_PER_SECOND) / MS_PER_SECOND,
      },
      message,
    );
  }

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next) => {
    record(request, reply.statusCode, 'request completed');
    next();
  });

  // A client that leaves before the answer never gets `onResponse`; without this the
  // request would stay "active" for ever and be missing from the counts.
  app.addHook('onRequestAbort', (request: FastifyRequest, next) => {
    record(request, CLIENT_CLOSED_REQUEST, 'request aborted by client');
    next();
  });

  done();
};

export default fp(httpTelemetry, { name: 'http-telemetry' });
