/**
 * The service's duration buckets: fine below 10 ms for fast answers, tight around the 1 s and
 * 2 s sleeps of the Python demo's load scenario (a 1 s sleep takes a little over 1 s), and on
 * up to the longest sleep allowed.
 */
const BASE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.25, 1.5, 2, 2.5, 5, 10, 30, 60,
];

export function durationBuckets(maxSleepSeconds: number): number[] {
  const buckets = BASE_BUCKETS.filter((bound) => bound < maxSleepSeconds);
  return [...buckets, maxSleepSeconds];
}
