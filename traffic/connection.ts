import { connect, type Socket } from 'node:net';
import { ResponseParser } from './response-parser.ts';

/** Where requests go: host and port to connect to, and the bytes of each stream's request. */
export interface Target {
  host: string;
  port: number;
}

/** The request was cut short by `close()` (Ctrl-C), not by the network or the server. */
export class AbortedError extends Error {
  override name = 'AbortedError';
}

/** Why a request failed, in a few words: the system error code when there is one. */
export function errorKind(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}

interface Pending {
  resolve: (status: number) => void;
  reject: (error: Error) => void;
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time, as `ab -k` does: opened on
 * first use, reopened after the server closes it. Requests are prepared bytes and answers are
 * status codes; bodies are read and dropped.
 */
export class Connection {
  readonly #target: Target;
  readonly #timeoutMs: number;
  #socket: Socket | undefined;
  #pending: Pending | undefined;
  #closed = false;

  constructor(target: Target, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
  }

  /** Sends `request` and resolves with the response's status once the whole response has arrived. */
  request(request: Buffer): Promise<number> {
    if (this.#closed) return Promise.reject(new AbortedError('connection closed'));
    if (this.#pending !== undefined) return Promise.reject(new Error('one request at a time'));
    const socket = this.#socket ?? this.#open();
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      socket.write(request);
    });
  }

  /** Closes the connection for good; a request in flight fails with AbortedError. */
  close(): void {
    this.#closed = true;
    this.#socket?.destroy(new AbortedError('stopped'));
  }

  #open(): Socket {
    const socket = connect({ host: this.#target.host, port: this.#target.port, noDelay: true });
    const parser = new ResponseParser();
    let failure: Error | undefined;
    this.#socket = socket;
    socket.setTimeout(this.#timeoutMs, () => {
      socket.destroy(Object.assign(new Error(`no response within ${this.#timeoutMs / 1000} s`), { code: 'TIMEOUT' }));
    });
    socket.on('data', (chunk: Buffer) => {
      let response: ReturnType<ResponseParser['feed']>;
      try {
        response = parser.feed(chunk);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      if (response === undefined) return;
      if (!response.keepAlive) this.#forget(socket);
      this.#settle()?.resolve(response.status);
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      // A socket already given up (the server said close) has nothing in flight any more.
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const pending = this.#settle();
      if (pending === undefined) return;
      const response = failure === undefined ? parser.end() : undefined;
      if (response !== undefined) pending.resolve(response.status);
      else
        pending.reject(
          failure ?? Object.assign(new Error('connection closed before the response ended'), { code: 'ECONNCLOSED' }),
        );
    });
    return socket;
  }

  /** Drops `socket` if it is still the current one, so the next request opens a new connection. */
  #forget(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    socket.destroy();
  }

  #settle(): Pending | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }
}

/** Resolves once a TCP connection to `target` opens (and closes it), or rejects with the reason. */
export function checkReachable(target: Target, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })),
    );
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
