import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { percentile } from './stats.ts';
import { statusOf } from './status-line.ts';

/**
 * Holds `--requests` sleeping requests at once against `--url`, each on its own connection, then
 * prints one JSON line. Two phases, so the server really holds them all at the same time: first
 * every connection is opened, a few hundred at a time, then every request is written in one go.
 * A burst of 10,000 connects would overflow the listen backlog (511 in Node): the client believes
 * itself connected while the server has not accepted, and the kernel's retries leave some requests
 * waiting for tens of seconds. wrk cannot do this: it repeats requests for a duration, and
 * opens its connections and sends on them at once.
 */
/** Connects in flight at once: below Node's default listen backlog (511). */
const CONNECTS_IN_FLIGHT = 256;
const { values } = parseArgs({
  options: { url: { type: 'string' }, requests: { type: 'string' }, 'timeout-ms': { type: 'string' } },
});
const url = new URL(values.url ?? '');
const count = Number(values.requests);
const timeoutMs = Number(values['timeout-ms']);
const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n\r\n`;

const statuses: Record<string, number> = {};
const errors: Record<string, number> = {};
const latenciesMs: number[] = [];

function tally(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function open(): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => resolve(socket));
    socket.once('timeout', () => socket.destroy(new Error('connect timeout')));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      tally(errors, `connect ${error.code ?? error.message}`);
      resolve(undefined);
    });
  });
}

/** Writes the request and waits for the whole answer (the server closes the connection after it). */
function ask(socket: Socket): Promise<void> {
  const start = performance.now();
  let head = '';
  return new Promise((resolve) => {
    if (socket.destroyed) {
      // The server closed it while the others were still connecting (a headers timeout, say).
      tally(errors, 'closed before the request was sent');
      resolve();
      return;
    }
    socket.removeAllListeners('error').removeAllListeners('timeout');
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => tally(errors, error.code ?? error.message));
    socket.on('close', () => {
      const status = statusOf(head);
      if (status !== undefined) {
        latenciesMs.push(performance.now() - start);
        tally(statuses, String(status));
      } else if (socket.errored === null) {
        tally(errors, 'closed without an answer');
      }
      resolve();
    });
    socket.write(request);
  });
}

/** Opens `count` connections, at most CONNECTS_IN_FLIGHT of them pending at a time. */
async function openAll(): Promise<Socket[]> {
  const opened: Socket[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    for (; next < count; ) {
      next += 1;
      const socket = await open();
      if (socket !== undefined) opened.push(socket);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, count) }, worker));
  return opened;
}

const connectStart = performance.now();
const sockets = await openAll();
const connectMs = performance.now() - connectStart;
const start = performance.now();
await Promise.all(sockets.map(ask));
const wallMs = performance.now() - start;
const answered = latenciesMs.length;
process.stdout.write(
  `${JSON.stringify({
    requests: count,
    connected: sockets.length,
    answered,
    statuses,
    errors,
    connectMs,
    wallMs,
    p50Ms: answered === 0 ? 0 : percentile(latenciesMs, 50),
    maxMs: answered === 0 ? 0 : percentile(latenciesMs, 100),
  })}\n`,
);
