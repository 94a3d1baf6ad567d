import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIRST_ERROR_STATUS, PROBLEM_CONTENT_TYPE, ROOT_BODY, statusBody } from './body.ts';

/** The floor: `node:http` alone serving `/` and `/status/{code}?seconds_sleep=N` with the service's bodies. */
const MS_PER_SECOND = 1000;
const NOT_FOUND = 404;
const STATUS_PATH = /^\/status\/([2-5][0-9]{2})$/;
const ROOT_JSON = JSON.stringify(ROOT_BODY);

function send(response: import('node:http').ServerResponse, statusCode: number, type: string, body: string): void {
  response.writeHead(statusCode, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}

const server = createServer(async (request, response) => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path === '/') return send(response, 200, 'application/json; charset=utf-8', ROOT_JSON);
  const match = STATUS_PATH.exec(path);
  if (match === null)
    return send(response, NOT_FOUND, PROBLEM_CONTENT_TYPE, JSON.stringify(statusBody(NOT_FOUND, path)));
  const statusCode = Number(match[1]);
  const seconds = query === -1 ? 0 : Number(new URLSearchParams(url.slice(query + 1)).get('seconds_sleep') ?? 0);
  if (seconds > 0) await sleep(seconds * MS_PER_SECOND);
  const type = statusCode >= FIRST_ERROR_STATUS ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8';
  send(response, statusCode, type, JSON.stringify(statusBody(statusCode, path)));
});

server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
