import { createServer, type ServerResponse } from 'node:http';
import { FIRST_ERROR_STATUS, PROBLEM_CONTENT_TYPE, ROOT_BODY, statusBody } from './body.ts';

/** The floor: `node:http` alone answering `/` and `/status/{code}` with the service's bodies. */
const NOT_FOUND = 404;
const JSON_TYPE = 'application/json; charset=utf-8';
const STATUS_PATH = /^\/status\/([2-5][0-9]{2})$/;
const ROOT_JSON = JSON.stringify(ROOT_BODY);

function send(response: ServerResponse, statusCode: number, type: string, body: string): void {
  response.writeHead(statusCode, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path === '/') return send(response, 200, JSON_TYPE, ROOT_JSON);
  const statusCode = Number(STATUS_PATH.exec(path)?.[1] ?? NOT_FOUND);
  const type = statusCode >= FIRST_ERROR_STATUS ? PROBLEM_CONTENT_TYPE : JSON_TYPE;
  send(response, statusCode, type, JSON.stringify(statusBody(statusCode, path)));
});

server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
