import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ParsedResponse, ProtocolError, ResponseParser } from '../../../traffic/response-parser.ts';

const CASES: Array<{ name: string; raw: string; expected: ParsedResponse }> = [
  {
    name: 'content-length',
    raw: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}',
    expected: { status: 200, keepAlive: true },
  },
  {
    name: 'empty body',
    raw: 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n',
    expected: { status: 500, keepAlive: true },
  },
  {
    name: 'chunked, with an extension and a trailer',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n',
    expected: { status: 200, keepAlive: true },
  },
  { name: '204 has no body', raw: 'HTTP/1.1 204 No Content\r\n\r\n', expected: { status: 204, keepAlive: true } },
  {
    name: '304 has no body whatever its length says',
    raw: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n',
    expected: { status: 304, keepAlive: true },
  },
  {
    name: 'an interim 100 before the answer',
    raw: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}',
    expected: { status: 409, keepAlive: true },
  },
  {
    name: 'Connection: close',
    raw: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}',
    expected: { status: 400, keepAlive: false },
  },
  {
    name: 'HTTP/1.0 with keep-alive',
    raw: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok',
    expected: { status: 200, keepAlive: true },
  },
  {
    name: 'HTTP/1.0 closes by default',
    raw: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    expected: { status: 200, keepAlive: false },
  },
];

/** Feeds `raw` in pieces of `size` bytes; returns the response and how many pieces were fed before it. */
function feedInPieces(raw: Buffer, size: number): { response: ParsedResponse | undefined; leftover: number } {
  const parser = new ResponseParser();
  for (let offset = 0; offset < raw.length; offset += size) {
    const response = parser.feed(raw.subarray(offset, offset + size));
    if (response !== undefined) return { response, leftover: raw.length - Math.min(raw.length, offset + size) };
  }
  return { response: undefined, leftover: 0 };
}

describe('HTTP/1.1 response framing', () => {
  for (const { name, raw, expected } of CASES) {
    test(`${name}: complete on the last byte, however the bytes arrive`, () => {
      const bytes = Buffer.from(raw, 'latin1');
      for (const size of [bytes.length, 1, 2, 3, 7, 16]) {
        const { response, leftover } = feedInPieces(bytes, size);
        assert.deepEqual(response, expected, `pieces of ${size}`);
        assert.equal(leftover, 0, `pieces of ${size}: complete only at the end`);
      }
    });
  }

  test('one parser reads the responses of a keep-alive connection in turn', () => {
    const parser = new ResponseParser();
    for (const { raw, expected } of CASES.filter((c) => c.expected.keepAlive)) {
      assert.deepEqual(parser.feed(Buffer.from(raw, 'latin1')), expected);
    }
  });

  test('a body without length or chunking ends with the connection', () => {
    const parser = new ResponseParser();
    assert.equal(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome body')), undefined);
    assert.equal(parser.feed(Buffer.from(' and more')), undefined);
    assert.deepEqual(parser.end(), { status: 200, keepAlive: false });
  });

  test('a response cut short by the close is not complete', () => {
    const parser = new ResponseParser();
    assert.equal(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')), undefined);
    assert.equal(parser.end(), undefined);
  });

  for (const [name, raw, message] of [
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', /not an HTTP\/1\.x status line/],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid content-length/],
    [
      'conflicting content-lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      /content-length/,
    ],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/],
    ['bytes after the response', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA', /data after the end/],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n', /malformed header/],
  ] as const) {
    test(`${name} is a protocol error`, () => {
      assert.throws(
        () => new ResponseParser().feed(Buffer.from(raw)),
        (error: Error) => {
          assert.ok(error instanceof ProtocolError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test('an endless head is refused rather than buffered for ever', () => {
    const parser = new ResponseParser();
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n'));
    assert.throws(() => {
      for (let i = 0; i < 10_000; i++) parser.feed(Buffer.from('X-Padding: aaaaaaaaaaaaaaaaaaaaaaaa\r\n'));
    }, ProtocolError);
  });
});
