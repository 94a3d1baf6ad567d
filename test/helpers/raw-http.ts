import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** Bytes on a socket exactly as written: no client normalises, percent-encodes or pools them. */

interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received: () => string;
  /** Everything received, once the server has closed the connection; rejects on a socket error (a reset, say). */
  closed: Promise<string>;
}

interface RawResponse {
  /** The status line and header lines, as received. */
  head: string;
  status: number;
  /** By lower-case name. */
  headers: Record<string, string>;
  body: string;
}

/** A connection to 127.0.0.1:`port`, to control exactly which socket a request travels on. */
export async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let data = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    data += chunk;
  });
  const closed = new Promise<string>((resolve, reject) => {
    socket.on('error', reject).on('close', () => resolve(data));
  });
  return { socket, received: () => data, closed };
}

/** Writes `request` on a fresh connection and returns everything received until the server closes it. */
export async function exchange(port: number, request: string): Promise<string> {
  const connection = await rawConnection(port);
  connection.socket.write(request);
  return connection.closed;
}

/** Splits a response (one, not chunked) into its status, headers and body. */
export function parseResponse(raw: string): RawResponse {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { head, status: Number(statusLine.split(' ')[1]), headers, body };
}

const BODY_CHUNK = Buffer.alloc(64 * 1024, 'x');

interface PushedBody {
  /** Body bytes the client got written before the server closed the connection (or the cap). */
  sent: number;
  /** Whether the server closed the connection before the client had written `capBytes`. */
  closedByServer: boolean;
  /** Everything received. */
  received: string;
  /** The client's port, to find the server's side of the connection. */
  localPort: number;
}

/**
 * Writes `head`, then body bytes (chunk-encoded when `chunked`) as fast as the server takes them,
 * as a hostile client would, until the server closes the connection or `capBytes` are written.
 */
export async function pushBody(
  port: number,
  head: string,
  { chunked, capBytes }: { chunked: boolean; capBytes: number },
): Promise<PushedBody> {
  const { socket, received, closed } = await rawConnection(port);
  const localPort = socket.localPort as number;
  let open = true;
  const ended = closed
    .catch(() => received())
    .finally(() => {
      open = false;
    });
  const frame = chunked
    ? Buffer.concat([Buffer.from(`${BODY_CHUNK.length.toString(16)}\r\n`), BODY_CHUNK, Buffer.from('\r\n')])
    : BODY_CHUNK;
  socket.write(head);
  let sent = 0;
  while (open && sent < capBytes) {
    const more = socket.write(frame);
    sent += BODY_CHUNK.length;
    if (!more) await Promise.race([once(socket, 'drain').catch(() => undefined), ended]);
  }
  const closedByServer = !open;
  socket.destroy();
  await ended;
  return { sent, closedByServer, received: received(), localPort };
}
