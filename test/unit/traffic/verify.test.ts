import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countKey } from '../../../traffic/prometheus.ts';
import { planScenario } from '../../../traffic/scenarios.ts';
import { StreamStats } from '../../../traffic/stats.ts';
import { summarize } from '../../../traffic/summary.ts';
import { compareCounts, expectedCounts, renderVerification } from '../../../traffic/verify.ts';

const ROOT = countKey('/', 200);
const STATUS_200 = countKey('/status/{status_code}', 200);
const STATUS_500 = countKey('/status/{status_code}', 500);

describe('--verify comparison', () => {
  test('expects every answer under the route template the service labels it with', () => {
    const streams = planScenario('seed', { scale: 0.001, rate: 1, durationSeconds: 1 }).map((p) => new StreamStats(p));
    for (const stats of streams) {
      const status = Number(/\/status\/(\d+)/.exec(stats.plan.path)?.[1] ?? 200);
      for (let i = 0; i < stats.planned; i++) stats.recordResponse(status, 1);
      assert.equal(status, stats.plan.expect);
    }
    const summary = summarize(streams, { scenario: 'seed', url: 'http://x/', interrupted: false });
    assert.deepEqual(
      Object.fromEntries(expectedCounts(summary)),
      Object.fromEntries([
        [ROOT, 20],
        [countKey('/status/{status_code}', 400), 2],
        [countKey('/status/{status_code}', 409), 3],
        [STATUS_500, 5],
        [STATUS_200, 7],
      ]),
    );
  });

  test('passes when the increase equals what was sent, whatever was counted before', () => {
    const expected = new Map([
      [ROOT, 20],
      [STATUS_200, 7],
    ]);
    const before = new Map([
      [ROOT, 100],
      [STATUS_500, 3],
    ]);
    const after = new Map([
      [ROOT, 120],
      [STATUS_200, 7],
      [STATUS_500, 3],
    ]);
    const rows = compareCounts(expected, before, after);
    assert.deepEqual(rows, [
      { route: '/', status: '200', sent: 20, counted: 20 },
      { route: '/status/{status_code}', status: '200', sent: 7, counted: 7 },
    ]);
    const text = renderVerification({ prometheus: 'http://p', job: 'backend', passed: true, rows });
    assert.match(text, /Verified: Prometheus counted all 27 requests/);
  });

  test('reports requests not counted, and counts nobody sent', () => {
    const rows = compareCounts(new Map([[ROOT, 20]]), new Map(), new Map([[STATUS_500, 4]]));
    assert.deepEqual(rows, [
      { route: '/', status: '200', sent: 20, counted: 0 },
      { route: '/status/{status_code}', status: '500', sent: 0, counted: 4 },
    ]);
    const text = renderVerification({ prometheus: 'http://p', job: 'backend', passed: false, rows });
    assert.match(text, /^\/\s+200\s+20\s+0\s+MISMATCH$/m);
    assert.match(text, /^MISMATCH: Prometheus did not count what was sent/m);
  });
});
