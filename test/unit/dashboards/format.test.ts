import assert from 'node:assert/strict';
import { test } from 'node:test';
import { milliseconds, percent } from '../../../dashboards/shared/format.ts';

const cases: Array<[format: (value: number) => string, value: number, expected: string]> = [
  [percent, 0.05, '5%'],
  [percent, 0.07, '7%'], // 0.07 × 100 is 7.000000000000001 in floating point
  [percent, 0.005, '0.5%'],
  [percent, 1 - 0.005, '99.5%'],
  [milliseconds, 0.1, '100 ms'],
  [milliseconds, 0.0025, '2.5 ms'],
];
for (const [format, value, expected] of cases) {
  test(`${format.name}(${value}) is "${expected}"`, () => {
    assert.equal(format(value), expected);
  });
}
