import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PYTHON_DEMO_STREAMS, plannedRequests, planScenario } from '../../../traffic/scenarios.ts';

const NO_EXTRA = { scale: 1, rate: 20, durationSeconds: 60 };

describe('scenarios', () => {
  test("seed is the Python demo's ab block: same paths, concurrency and request counts", () => {
    const plans = planScenario('seed', NO_EXTRA);
    assert.deepEqual(
      plans.map((plan) => [plan.path, plan.load]),
      [
        ['/', { kind: 'counted', concurrency: 5, requests: 20_000 }],
        ['/status/400', { kind: 'counted', concurrency: 5, requests: 2000 }],
        ['/status/409', { kind: 'counted', concurrency: 5, requests: 3000 }],
        ['/status/500', { kind: 'counted', concurrency: 5, requests: 5000 }],
        ['/status/200?seconds_sleep=1', { kind: 'counted', concurrency: 50, requests: 5000 }],
        ['/status/200?seconds_sleep=2', { kind: 'counted', concurrency: 50, requests: 2000 }],
      ],
    );
    assert.deepEqual(
      plans.map((plan) => plan.route),
      ['/', ...Array(5).fill('/status/{status_code}')],
    );
    assert.deepEqual(
      plans.map((plan) => plan.expect),
      [200, 400, 409, 500, 200, 200],
    );
  });

  for (const [scale, requests] of [
    [0.01, [200, 20, 30, 50, 50, 20]],
    [0.1, [2000, 200, 300, 500, 500, 200]],
    [0.00025, [5, 1, 1, 1, 1, 1]],
    [2.5, [50_000, 5000, 7500, 12_500, 12_500, 5000]],
  ] as const) {
    test(`--scale ${scale} multiplies every count, rounded, and keeps concurrency`, () => {
      const plans = planScenario('seed', { ...NO_EXTRA, scale });
      assert.deepEqual(plans.map(plannedRequests), requests);
      assert.deepEqual(
        plans.map((plan) => (plan.load.kind === 'counted' ? plan.load.concurrency : 0)),
        PYTHON_DEMO_STREAMS.map((stream) => stream.concurrency),
      );
    });
  }

  test('smoke sends the same paths with at most one round of each sleep', () => {
    const plans = planScenario('smoke', NO_EXTRA);
    assert.deepEqual(
      plans.map((plan) => plan.path),
      PYTHON_DEMO_STREAMS.map((stream) => stream.path),
    );
    for (const plan of plans.filter((p) => p.path.includes('seconds_sleep'))) {
      assert.ok(plan.load.kind === 'counted' && plan.load.requests <= plan.load.concurrency, plan.path);
    }
  });

  test("steady shares --rate between the streams as the Python demo's counts do, for --duration", () => {
    const plans = planScenario('steady', { scale: 1, rate: 37, durationSeconds: 10 });
    const rates = plans.map((plan) => (plan.load.kind === 'paced' ? plan.load.rate : 0));
    assert.deepEqual(rates, [20, 2, 3, 5, 5, 2]);
    assert.deepEqual(plans.map(plannedRequests), [200, 20, 30, 50, 50, 20]);
  });
});
