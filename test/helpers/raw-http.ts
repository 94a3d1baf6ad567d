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
