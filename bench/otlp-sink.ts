import { createServer } from 'node:http';

/**
 * A stand-in for the OTLP/HTTP collector (Alloy in compose), run as its own process on the load
 * core so its work is not charged to the service. It accepts every export, counts the spans in
 * it without parsing, and reports its totals on `GET /stats`. Prints its URL once listening.
 */
const SPAN_ID_KEY = /"spanId"/g;

const totals = { exports: 0, spans: 0, bytes: 0 };

const server = createServer(async (request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(totals));
    return;
  }
  let body = '';
  for await (const chunk of request) body += chunk;
  totals.exports += 1;
  totals.bytes += Buffer.byteLength(body);
  // OTLP/JSON: one "spanId" key per span ("parentSpanId" does not match).
  totals.spans += body.match(SPAN_ID_KEY)?.length ?? 0;
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
