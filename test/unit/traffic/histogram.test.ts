import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HIGHEST_TRACKABLE_US, Histogram } from '../../../traffic/histogram.ts';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest rank on the sorted values: the reference the histogram must approximate. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? 0;
}

const PERCENTILES = [1, 50, 90, 95, 99, 99.9, 100];

describe('latency histogram', () => {
  test('is exact below 2048 µs', () => {
    const histogram = new Histogram();
    for (let us = 1; us <= 1000; us++) histogram.record(us);
    assert.equal(histogram.percentile(50), 500);
    assert.equal(histogram.percentile(99), 990);
    assert.equal(histogram.percentile(100), 1000);
    assert.equal(histogram.min, 1);
    assert.equal(histogram.mean, 500.5);
  });

  for (const [name, draw] of [
    [
      'fast answers and 1 s / 2 s sleeps',
      (r: () => number) => (r() < 0.8 ? 200 + r() * 5000 : 1_000_000 + r() * 1_000_000 * 2),
    ],
    ['log-uniform from 1 µs to 100 s', (r: () => number) => 10 ** (r() * 8)],
  ] as const) {
    test(`percentiles of 50 000 values within 0.1 %: ${name}`, () => {
      const next = random(42);
      const values = Array.from({ length: 50_000 }, () => Math.trunc(draw(next)));
      const histogram = new Histogram();
      for (const value of values) histogram.record(value);
      const sorted = values.toSorted((a, b) => a - b);
      for (const p of PERCENTILES) {
        const exact = exactPercentile(sorted, p);
        const estimate = histogram.percentile(p);
        assert.ok(estimate >= exact, `p${p}: ${estimate} is not below the exact ${exact}`);
        assert.ok(estimate <= exact * 1.001, `p${p}: ${estimate} is within 0.1 % of ${exact}`);
      }
      assert.equal(histogram.count, values.length);
      assert.equal(histogram.max, sorted.at(-1));
    });
  }

  test('memory does not grow with the count, and values past an hour keep their exact max', () => {
    const histogram = new Histogram();
    const buckets = histogram.counts.length;
    for (let i = 0; i < 200_000; i++) histogram.record(i * 37);
    histogram.record(HIGHEST_TRACKABLE_US * 5);
    assert.equal(histogram.counts.length, buckets);
    assert.ok(buckets < 30_000, `${buckets} buckets`);
    assert.equal(histogram.max, HIGHEST_TRACKABLE_US * 5);
    assert.equal(histogram.percentile(100), HIGHEST_TRACKABLE_US * 5);
  });

  test('merging histograms gives the percentiles of all their values', () => {
    const next = random(7);
    const parts = [new Histogram(), new Histogram(), new Histogram()];
    const whole = new Histogram();
    for (let i = 0; i < 30_000; i++) {
      const value = Math.trunc(next() * 3_000_000);
      parts[i % parts.length]?.record(value);
      whole.record(value);
    }
    const merged = new Histogram();
    for (const part of parts) merged.add(part);
    for (const p of PERCENTILES) assert.equal(merged.percentile(p), whole.percentile(p), `p${p}`);
    assert.deepEqual(
      [merged.count, merged.min, merged.max, merged.mean],
      [whole.count, whole.min, whole.max, whole.mean],
    );
  });

  test('an empty histogram reports zeros', () => {
    const histogram = new Histogram();
    assert.deepEqual([histogram.percentile(50), histogram.mean, histogram.count], [0, 0, 0]);
  });
});
