import type { TestContext } from 'node:test';
import { type OtlpExport, startOtlpSink } from '../../support/otlp-sink.ts';

/** OTLP/JSON's `AnyValue`, as much of it as span and resource attributes use here. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes?: KeyValue[];
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/** One span as received, its resource's attributes alongside. Ids are lowercase hex, as OTLP/JSON sends them. */
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** The base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  endpoint: string;
  /** Every request received, in order. */
  exports: OtlpExport[];
  /** The spans of every JSON export received so far. */
  spans(): ReceivedSpan[];
}

function plain(value: AnyValue): unknown {
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plain);
  // 64-bit integers travel as strings in OTLP/JSON.
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

function attributeMap(attributes: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, plain(value)]));
}

function decode(body: string): ReceivedSpan[] {
  const request = JSON.parse(body) as ExportTraceServiceRequest;
  return (request.resourceSpans ?? []).flatMap(({ resource, scopeSpans = [] }) =>
    scopeSpans.flatMap(({ spans = [] }) =>
      spans.map((span) => ({
        name: span.name,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        kind: span.kind,
        statusCode: span.status?.code ?? 0,
        attributes: attributeMap(span.attributes),
        resource: attributeMap(resource?.attributes),
      })),
    ),
  );
}

/** The shared OTLP sink on a free port, closed after the test, with the spans it received decoded. */
export async function startOtlpReceiver(t: TestContext): Promise<OtlpReceiver> {
  const sink = await startOtlpSink();
  t.after(() => sink.close());
  return {
    endpoint: sink.endpoint,
    exports: sink.exports,
    spans: () => sink.exports.filter((e) => e.contentType === 'application/json').flatMap((e) => decode(e.body)),
  };
}
