/**
 * HTTP/1.1 response framing, just enough for a load generator: finds where each response ends
 * (Content-Length, chunked, or the connection's close) and reads its status. Bodies are skipped,
 * never kept, so a response costs the same whatever its size.
 */

export interface ParsedResponse {
  status: number;
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close';

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');
/** Generous bounds on a head and a chunk-size or trailer line; more is not a response we sent for. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/;
const CHUNK_SIZE = /^([0-9a-fA-F]+)[ \t]*(?:;.*)?$/;
const CONTENT_LENGTH = /^\d+$/;
const CRLF_LENGTH = 2;
/** Statuses whose responses never have a body (RFC 9110 §6.4.1); 1xx are interim. */
const BODYLESS = new Set([204, 304]);

/** Parses the responses of one connection, one request at a time (no pipelining). */
export class ResponseParser {
  #state: State = 'head';
  /** Bytes of an unfinished head or line, kept until the rest arrives. */
  #partial: Buffer | undefined;
  /** Bytes left in the body or the current chunk. */
  #remaining = 0;
  #status = 0;
  #keepAlive = true;

  /** Takes the next bytes; returns the response when they complete it. Throws ProtocolError. */
  feed(chunk: Buffer): ParsedResponse | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.#state) {
        case 'head':
          offset = this.#readHead(chunk, offset);
          break;
        case 'length':
        case 'chunk-data': {
          const taken = Math.min(this.#remaining, chunk.length - offset);
          offset += taken;
          this.#remaining -= taken;
          if (this.#remaining === 0) {
            if (this.#state === 'length') this.#state = 'head';
            else {
              this.#state = 'chunk-end';
              this.#remaining = CRLF_LENGTH;
            }
          }
          break;
        }
        case 'chunk-end': {
          const taken = Math.min(this.#remaining, chunk.length - offset);
          offset += taken;
          this.#remaining -= taken;
          if (this.#remaining === 0) this.#state = 'chunk-size';
          break;
        }
        case 'chunk-size':
        case 'trailers':
          offset = this.#readLine(chunk, offset);
          break;
        case 'until-close':
          offset = chunk.length;
          break;
      }
      if (this.#complete()) {
        if (offset < chunk.length) throw new ProtocolError('data after the end of the response');
        return this.#finish();
      }
    }
    return undefined;
  }

  /** The connection closed: completes a response delimited by the close, or reports one cut short. */
  end(): ParsedResponse | undefined {
    if (this.#state === 'until-close') return this.#finish();
    return undefined;
  }

  /** `head` again with a status read means the response just ended (or an interim one was skipped). */
  #complete(): boolean {
    return this.#state === 'head' && this.#status !== 0;
  }

  #finish(): ParsedResponse {
    const response = { status: this.#status, keepAlive: this.#keepAlive };
    this.#state = 'head';
    this.#status = 0;
    this.#keepAlive = true;
    this.#partial = undefined;
    return response;
  }

  /** Joins `chunk` from `offset` to a kept partial head or line. */
  #pending(chunk: Buffer, offset: number): Buffer {
    const rest = chunk.subarray(offset);
    return this.#partial === undefined ? rest : Buffer.concat([this.#partial, rest]);
  }

  /** Where in `chunk` the data ends that `data` (partial + chunk from offset) holds up to `end`. */
  #consumed(chunk: Buffer, data: Buffer, end: number): number {
    return chunk.length - (data.length - end);
  }

  #readHead(chunk: Buffer, offset: number): number {
    const data = this.#pending(chunk, offset);
    const end = data.indexOf(HEAD_END);
    if (end === -1) {
      if (data.length > MAX_HEAD_BYTES) throw new ProtocolError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.#partial = Buffer.from(data);
      return chunk.length;
    }
    this.#partial = undefined;
    this.#parseHead(data.toString('latin1', 0, end));
    return this.#consumed(chunk, data, end + HEAD_END.length);
  }

  #parseHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = STATUS_LINE.exec(lines[0] ?? '');
    if (statusLine === null) throw new ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
    const http10 = statusLine[1] === '0';
    const status = Number(statusLine[2]);
    let contentLength: number | undefined;
    let chunked = false;
    let otherCoding = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError(`malformed header line: ${JSON.stringify(line)}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!CONTENT_LENGTH.test(value) || (contentLength !== undefined && contentLength !== Number(value))) {
          throw new ProtocolError(`invalid content-length: ${JSON.stringify(value)}`);
        }
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',');
        chunked = codings.at(-1)?.trim() === 'chunked';
        otherCoding = !chunked;
      } else if (name === 'connection') {
        connection += `,${value.toLowerCase()}`;
      }
    }
    if (status < 200) return; // an interim response: the final one follows on the same connection

    const tokens = connection.split(',').map((token) => token.trim());
    this.#status = status;
    this.#keepAlive = http10 ? tokens.includes('keep-alive') : !tokens.includes('close');
    if (BODYLESS.has(status)) return;
    if (chunked) {
      this.#state = 'chunk-size';
    } else if (otherCoding || contentLength === undefined) {
      this.#state = 'until-close';
      this.#keepAlive = false;
    } else if (contentLength > 0) {
      this.#state = 'length';
      this.#remaining = contentLength;
    }
  }

  #readLine(chunk: Buffer, offset: number): number {
    const data = this.#pending(chunk, offset);
    const end = data.indexOf(LINE_END);
    if (end === -1) {
      if (data.length > MAX_LINE_BYTES) throw new ProtocolError(`chunk line longer than ${MAX_LINE_BYTES} bytes`);
      this.#partial = Buffer.from(data);
      return chunk.length;
    }
    this.#partial = undefined;
    const line = data.toString('latin1', 0, end);
    if (this.#state === 'trailers') {
      if (line === '') this.#state = 'head';
    } else {
      const size = CHUNK_SIZE.exec(line);
      if (size === null) throw new ProtocolError(`invalid chunk size line: ${JSON.stringify(line)}`);
      const bytes = Number.parseInt(size[1] ?? '', 16);
      if (bytes === 0) this.#state = 'trailers';
      else {
        this.#state = 'chunk-data';
        this.#remaining = bytes;
      }
    }
    return this.#consumed(chunk, data, end + LINE_END.length);
  }
}
