import { randomUUID } from 'node:crypto';
import { context, type Span } from '@opentelemetry/api';
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import type { FastifyRequest } from 'fastify';
import { urlPath } from './http-labels.ts';
import { untracedPaths } from './trace-context.ts';

/**
 * Starting and stopping the OpenTelemetry SDK: OTLP over HTTP (JSON) to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/traces`, configured only by the standard `OTEL_*`
 * variables (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`).
 * The SDK, exporter and instrumentations are imported only by `startTracing`, so with tracing
 * off none of them is ever loaded.
 */

function isUntraced(url: string | undefined): boolean {
  return url !== undefined && untracedPaths.has(urlPath(url));
}

/** Gives a Fastify span the route in the metrics' form, `/status/{status_code}`, so traces and metrics agree. */
function setRoute(span: Span, request: FastifyRequest): string | undefined {
  const route = request.routeOptions.config.httpRoute;
  if (route !== undefined) span.setAttribute('http.route', route);
  return route;
}

/** Tracing is on when an OTLP endpoint is set (and the standard kill switch is not). */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  return (
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '' && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true'
  );
}

export interface TracingOptions {
  /** Where finished spans go. Default: batched OTLP/HTTP export, tuned by the standard `OTEL_*` variables. */
  spanProcessors?: NodeSDKConfiguration['spanProcessors'];
}

const NOT_FOUND_HANDLER = 'notFoundHandler';

let sdk: NodeSDK | undefined;

/**
 * Starts the SDK: HTTP and Fastify instrumentations, one resource for the process.
 * Must run before Fastify is imported (`instrumentation.ts`, loaded by `--import`).
 */
export async function startTracing({ spanProcessors }: TracingOptions = {}): Promise<void> {
  if (sdk !== undefined) throw new Error('tracing already started');
  const [{ NodeSDK, core, resources }, { HttpInstrumentation }, { FastifyOtelInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@fastify/otel'),
  ]);
  // Without processors of its own, the SDK batches for the exporter as the OTEL_BSP_* variables say.
  const exporting: Partial<NodeSDKConfiguration> =
    spanProcessors === undefined
      ? { traceExporter: new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() }
      : { spanProcessors };

  sdk = new NodeSDK({
    // Replicas of one service tell their spans apart by this (OTEL_RESOURCE_ATTRIBUTES can add more).
    resource: resources.resourceFromAttributes({ 'service.instance.id': randomUUID() }),
    ...exporting,
    // Traces only: without these the SDK would also start OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => isUntraced(request.url),
        // Outgoing calls are the app's business: leave `http.request` unpatched.
        disableOutgoingRequestInstrumentation: true,
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: ({ url }) => isUntraced(url),
        // A request span and a handler span; a span for every hook would bury them.
        instrumentHooks: false,
        requestHook(span, request) {
          const route = setRoute(span, request);
          // The HTTP server span is named `${method} ${route}` from this when the response ends.
          const rpc = core.getRPCMetadata(context.active());
          if (route !== undefined && rpc?.type === core.RPCType.HTTP) rpc.route = route;
        },
        lifecycleHook(span, { hookName, request }) {
          setRoute(span, request);
          // By default the name lists every plugin above the handler.
          if (hookName === NOT_FOUND_HANDLER) span.updateName(NOT_FOUND_HANDLER);
        },
      }),
    ],
  });
  sdk.start();
}

/**
 * Flushes pending spans and stops the SDK, giving up after `timeoutMs`.
 * Resolves true when every span was handed to the exporter (or tracing is off), false on timeout.
 */
export async function shutdownTracing(timeoutMs: number): Promise<boolean> {
  if (sdk === undefined) return true;
  const stopping = sdk;
  sdk = undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, timeoutMs), false);
  });
  try {
    return await Promise.race([stopping.shutdown().then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
