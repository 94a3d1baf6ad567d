import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { median, percentile, ratio } from '../../../bench/stats.ts';

describe('median', () => {
  const cases: Array<[number[], number]> = [
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1000], 10],
  ];
  for (const [values, expected] of cases) {
    test(`of ${values.join(', ')} is ${expected}`, () => assert.equal(median(values), expected));
  }
  test('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
  test('of nothing is an error', () => assert.throws(() => median([]), RangeError));
});

describe('percentile (nearest rank)', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  const cases: Array<[number, number]> = [
    [50, 50],
    [99, 99],
    [100, 100],
    [0, 1],
  ];
  for (const [p, expected] of cases)
    test(`p${p} of 1..100 is ${expected}`, () => assert.equal(percentile(values, p), expected));
  test('of nothing is an error', () => assert.throws(() => percentile([], 50), RangeError));
});

describe('ratio', () => {
  const cases: Array<[number | undefined, number | undefined, number | undefined]> = [
    [75, 100, 0.75],
    [1, 0, undefined],
    [undefined, 100, undefined],
    [100, undefined, undefined],
  ];
  for (const [a, b, expected] of cases) test(`${a} / ${b} is ${expected}`, () => assert.equal(ratio(a, b), expected));
});
