import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roundOrder } from '../../../bench/load-rounds.ts';

describe('roundOrder', () => {
  const contenders = ['a', 'b', 'c'];
  const cases: Array<[number, string[]]> = [
    [0, ['a', 'b', 'c']],
    [1, ['b', 'c', 'a']],
    [2, ['c', 'a', 'b']],
    [3, ['a', 'b', 'c']],
  ];
  for (const [round, order] of cases) {
    test(`round ${round + 1} starts with ${order[0]}`, () => assert.deepEqual(roundOrder(contenders, round), order));
  }
});
