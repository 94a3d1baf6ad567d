import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LoadSample, summarizeLoad } from '../../../bench/load-summary.ts';

function sample(contender: string, round: number, requestsPerSecond: number, cpuUsPerRequest = 10): LoadSample {
  return {
    contender,
    scenario: '/',
    round,
    requestsPerSecond,
    p50Ms: round,
    p99Ms: 10 * round,
    cpuUsPerRequest,
    errors: 0,
  };
}

describe('summarizeLoad', () => {
  // Round 2 ran while something else loaded the machine: every contender slowed down in it.
  const samples = [
    sample('node-http', 1, 100_000),
    sample('fastify', 1, 80_000, 12.5),
    sample('service', 1, 60_000, 20),
    sample('node-http', 2, 50_000),
    sample('fastify', 2, 40_000, 12.5),
    sample('service', 2, 30_000, 20),
    sample('node-http', 3, 100_000),
    sample('fastify', 3, 80_000, 12.5),
    sample('service', 3, 56_000, 25),
  ];
  const rss = [
    { contender: 'service', round: 1, rssBytes: 100 },
    { contender: 'service', round: 2, rssBytes: 300 },
    { contender: 'service', round: 3, rssBytes: 200 },
  ];
  const summary = summarizeLoad(samples, rss);
  const service = summary.find((entry) => entry.contender === 'service');

  test('one entry per contender and route, in order of appearance', () => {
    assert.deepEqual(
      summary.map((entry) => entry.contender),
      ['node-http', 'fastify', 'service'],
    );
  });

  test('medians over rounds', () => {
    assert.equal(service?.requestsPerSecond, 56_000);
    assert.equal(service?.p50Ms, 2);
    assert.equal(service?.p99Ms, 20);
    assert.equal(service?.cpuUsPerRequest, 20);
    assert.equal(service?.rssBytes, 200);
    assert.equal(service?.rounds, 3);
  });

  test('ratios paired within each round, then the median of them', () => {
    // Per round: 0.75, 0.75, 0.70 against Fastify; 0.6, 0.6, 0.56 against node:http.
    assert.equal(service?.vsFastify, 0.75);
    assert.equal(service?.vsNodeHttp, 0.6);
    // By CPU: Fastify's 12.5 µs over the service's 20, 20, 25.
    assert.ok(Math.abs((service?.cpuVsFastify ?? 0) - 0.625) < 1e-9, String(service?.cpuVsFastify));
  });

  test('a baseline compared with itself is 1', () => {
    assert.equal(summary.find((entry) => entry.contender === 'fastify')?.vsFastify, 1);
  });

  test('no ratio when the baseline did not run', () => {
    const alone = summarizeLoad([sample('service', 1, 1000)], []);
    assert.equal(alone[0]?.vsFastify, undefined);
    assert.equal(alone[0]?.rssBytes, undefined);
  });
});
