import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statusOf } from '../../../bench/status-line.ts';

describe('statusOf', () => {
  const cases: Array<[string, number | undefined]> = [
    ['HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n', 200],
    ['HTTP/1.1 503 Service Unavailable\r\n', 503],
    ['HTTP/1.0 408 \r\n', 408],
    ['HTTP/1.1 20', undefined],
    ['', undefined],
    ['garbage', undefined],
  ];
  for (const [head, status] of cases)
    test(`${JSON.stringify(head)} is ${status}`, () => assert.equal(statusOf(head), status));
});
