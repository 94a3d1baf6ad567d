import { subscribe } from 'node:diagnostics_channel';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { FastifyInstance } from 'fastify';

/**
 * The `--import` entry of the traced peer, as @fastify/otel's README sets it up: the OpenTelemetry
 * SDK (2.x line, which @fastify/otel 0.21 requires) with the HTTP instrumentation for the server
 * span and @fastify/otel for Fastify's request, hook and handler spans. Batched OTLP/HTTP (JSON)
 * to OTEL_EXPORTER_OTLP_ENDPOINT, sampled as OTEL_TRACES_SAMPLER says: the exporter and format the
 * service's tracing contender uses, to the same sink. Traces only, like the service.
 */
const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation(), new FastifyOtelInstrumentation({ registerOnInitialization: true })],
  metricReaders: [],
  logRecordProcessors: [],
});
sdk.start();

// The last spans are exported when the app closes (SIGTERM), before the process exits, as the
// service does: the bench counts what the sink received from each process.
subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook('onClose', () => sdk.shutdown());
});
