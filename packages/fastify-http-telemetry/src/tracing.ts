import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { tracingRequested } from './otel-env.ts';
import { markTracingStarted } from './trace-context.ts';

/**
 * Starting and stopping the OpenTelemetry SDK: OTLP over HTTP (JSON) to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/traces` (or to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), configured only by the standard `OTEL_*`
 * variables (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`).
 * It patches nothing: the telemetry plugin makes each request's spans itself. The SDK and its
 * exporter are imported only here, so with tracing off none of them is ever loaded.
 */

/**
 * Tracing is on when an OTLP endpoint is set, `OTEL_EXPORTER_OTLP_ENDPOINT` or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, and neither `OTEL_TRACES_EXPORTER=none` nor the standard
 * kill switch, `OTEL_SDK_DISABLED=true`, says otherwise.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  return tracingRequested(env) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

export interface TracingOptions {
  /** Where finished spans go. Default: batched OTLP/HTTP export, tuned by the standard `OTEL_*` variables. */
  spanProcessors?: NodeSDKConfiguration['spanProcessors'];
}

let sdk: NodeSDK | undefined;

/**
 * Starts the SDK: a tracer provider, the async context manager and the W3C propagator, one
 * resource for the process. Must run before the Fastify app registers the telemetry plugin.
 */
export async function startTracing({ spanProcessors }: TracingOptions = {}): Promise<void> {
  if (sdk !== undefined) throw new Error('tracing already started');
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  // Without processors of its own, the SDK batches for the exporter as the OTEL_BSP_* variables say.
  const exporting: Partial<NodeSDKConfiguration> =
    spanProcessors === undefined
      ? { traceExporter: new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() }
      : { spanProcessors };

  sdk = new NodeSDK({
    // The default resource detectors give every process its own `service.instance.id` (a UUID), by
    // which replicas of one service tell their spans apart; OTEL_RESOURCE_ATTRIBUTES can add more.
    ...exporting,
    // Traces only: without these the SDK would also start OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  markTracingStarted(true);
}

/**
 * Flushes pending spans and stops the SDK, giving up after `timeoutMs`.
 * Resolves true when every span was handed to the exporter (or tracing is off), false on timeout;
 * rejects with the exporter's error when the export failed.
 */
export async function shutdownTracing(timeoutMs: number): Promise<boolean> {
  if (sdk === undefined) return true;
  const stopping = sdk;
  sdk = undefined;
  markTracingStarted(false);
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
