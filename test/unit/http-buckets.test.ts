import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { durationBuckets } from '../../src/http-buckets.ts';

describe('durationBuckets', () => {
  test('resolve sub-millisecond answers and the Python demo sleeps, and end at the longest sleep', () => {
    const buckets = durationBuckets(60);
    assert.ok(buckets[0] !== undefined && buckets[0] < 0.001);
    for (const bound of [1, 1.25, 2, 2.5]) assert.ok(buckets.includes(bound), `bucket ${bound}`);
    assert.equal(buckets.at(-1), 60);
    assert.deepEqual(
      [...buckets].sort((a, b) => a - b),
      buckets,
    );
  });

  test('follow a configured maximum', () => {
    assert.equal(durationBuckets(3).at(-1), 3);
    assert.ok(durationBuckets(3).every((bound) => bound <= 3));
    assert.equal(durationBuckets(120).at(-1), 120);
  });
});
