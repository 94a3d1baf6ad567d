import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One export request as received. */
export interface OtlpExport {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

export interface OtlpSink {
  /** The base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  endpoint: string;
  /** Every request received, in order; empty when started with `keepExports: false`. */
  exports: OtlpExport[];
  /** Spans received so far, counted without parsing: OTLP/JSON has one `"spanId"` key a span. */
  spanCount(): number;
  close(): Promise<void>;
}

// "parentSpanId" does not match: the quote comes first.
const SPAN_ID_KEY = /"spanId"/g;

/**
 * A stand-in for an OTLP/HTTP collector (Alloy, in compose) on a free loopback port: accepts every
 * export. A benchmark keeps only the count (`keepExports: false`), so memory stays flat under load.
 */
export async function startOtlpSink({ keepExports = true } = {}): Promise<OtlpSink> {
  const exports: OtlpExport[] = [];
  let spans = 0;
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    spans += body.match(SPAN_ID_KEY)?.length ?? 0;
    if (keepExports) {
      exports.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body,
      });
    }
    // An empty ExportTraceServiceResponse: everything accepted.
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exports,
    spanCount: () => spans,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
