/**
 * A latency histogram in the manner of HdrHistogram: exact below 2048 µs, then 1024 buckets per
 * power of two, so every recorded value is known within 0.1 %, in fixed memory whatever the count.
 */

/** Values below this many microseconds get a bucket each. */
const LINEAR_LIMIT = 2048;
/** Buckets per power of two above the linear range: the relative precision is 1 / BUCKETS_PER_OCTAVE. */
const BUCKETS_PER_OCTAVE = 1024;
const OCTAVE_BITS = 10;
/** One hour in microseconds (below 2^32): longer values share the last bucket (the exact max is kept apart). */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** The shift that brings `value` (below 2^32) into [1024, 2047]; at least 1 above the linear range. */
function octaveOf(value: number): number {
  return 31 - Math.clz32(value) - OCTAVE_BITS;
}

function bucketOf(value: number): number {
  if (value < LINEAR_LIMIT) return value;
  const shift = octaveOf(value);
  return LINEAR_LIMIT + (shift - 1) * BUCKETS_PER_OCTAVE + ((value >>> shift) - BUCKETS_PER_OCTAVE);
}

/** The highest value that falls into `bucket`. */
function highestIn(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const shift = Math.floor((bucket - LINEAR_LIMIT) / BUCKETS_PER_OCTAVE) + 1;
  const sub = ((bucket - LINEAR_LIMIT) % BUCKETS_PER_OCTAVE) + BUCKETS_PER_OCTAVE;
  return (sub + 1) * 2 ** shift - 1;
}

const BUCKET_COUNT = bucketOf(HIGHEST_TRACKABLE_US) + 1;

export class Histogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  #sum = 0;

  /** Records a latency in microseconds (fractions are truncated). */
  record(microseconds: number): void {
    const value = Math.max(0, Math.trunc(microseconds));
    const bucket = bucketOf(Math.min(value, HIGHEST_TRACKABLE_US));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count++;
    this.#sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  add(other: Histogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.#sum += other.#sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.#sum / this.count;
  }

  /**
   * The nearest-rank percentile (0 < p <= 100) in microseconds: the smallest recorded value with at
   * least p % of the values at or below it, reported as its bucket's upper bound (never above max).
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      seen += this.counts[bucket] ?? 0;
      // The last bucket also holds every value past the trackable range: only max bounds it.
      if (seen >= rank) return bucket === BUCKET_COUNT - 1 ? this.max : Math.min(highestIn(bucket), this.max);
    }
    return this.max;
  }
}
