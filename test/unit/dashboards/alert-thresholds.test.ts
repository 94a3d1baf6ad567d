import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import {
  alertExpressions,
  BACKEND_ALERTS,
  burnRateThreshold,
  threshold,
} from '../../../dashboards/shared/alert-thresholds.ts';
import { percent } from '../../../dashboards/shared/format.ts';
import { type DashboardJson, type PanelJson, panelsOf, readDashboards } from '../../helpers/dashboards.ts';

const ALERT = 'Watched';

/** A rules file with a recording rule and one alert, `Watched`, firing on `expr`. */
const rulesWith = (expr: string) =>
  alertExpressions(
    stringify({
      groups: [
        { name: 'recording', rules: [{ record: 'job:ratio', expr: 'sum(up)' }] },
        { name: 'alerts', rules: [{ alert: ALERT, expr, for: '5m' }] },
      ],
    }),
  );

describe('alert thresholds read from a rules file', () => {
  const thresholds: Array<[expr: string, expected: number]> = [
    ['job:ratio > 0.05', 0.05],
    ['job:ratio >= 2.5', 2.5],
    ['max by (job, instance) (lag{job="backend"}) > 0.1', 0.1],
    ['job:ratio_1h > 3\nand job:ratio_5m > 3\n', 3],
  ];
  for (const [expr, expected] of thresholds) {
    test(`threshold of ${JSON.stringify(expr)} is ${expected}`, () => {
      assert.equal(threshold(rulesWith(expr), ALERT), expected);
    });
  }

  test('a burn-rate alert gives its burn rate and error budget, the same in both windows', () => {
    const rules = rulesWith('job:ratio_1h > (14.4 * 0.005)\nand job:ratio_5m > (14.4 * 0.005)\n');
    assert.deepEqual(burnRateThreshold(rules, ALERT), { burnRate: 14.4, errorBudget: 0.005 });
  });

  const unreadable: Array<[why: string, read: () => number | object, error: RegExp]> = [
    ['no such alert', () => threshold(rulesWith('job:ratio > 0.05'), 'Missing'), /no alert named Missing/],
    ['a recording rule is no alert', () => threshold(rulesWith('job:ratio > 0.05'), 'job:ratio'), /no alert named/],
    ['no comparison with a number', () => threshold(rulesWith('up == 0'), ALERT), /found 0/],
    ['two different thresholds', () => threshold(rulesWith('a > 1 and b > 2'), ALERT), /found 2/],
    ['arithmetic after the number', () => threshold(rulesWith('job:ratio > 0.05 * 2'), ALERT), /found 0/],
    ['a burn rate read as a plain threshold', () => threshold(rulesWith('r > (14.4 * 0.005)'), ALERT), /found 0/],
    ['a plain threshold read as a burn rate', () => burnRateThreshold(rulesWith('r > 0.072'), ALERT), /found 0/],
    [
      'windows with different burn rates',
      () => burnRateThreshold(rulesWith('a > (14.4 * 0.005) and b > (6 * 0.005)'), ALERT),
      /found 2/,
    ],
  ];
  for (const [why, read, error] of unreadable) {
    test(`fails loudly: ${why}`, () => {
      assert.throws(read, error);
    });
  }
});

type ThresholdedPanel = PanelJson & {
  fieldConfig?: { defaults?: { thresholds?: { steps?: Array<{ color: string; value: number | null }> } } };
};

describe('the committed dashboards draw the thresholds of the shipped rules', () => {
  const dashboards = new Map(readDashboards().map(({ dashboard }) => [dashboard.uid, dashboard] as const));
  const panel = (uid: string, title: string): ThresholdedPanel => {
    const found = panelsOf(dashboards.get(uid) as DashboardJson).find((p) => p.title === title);
    assert.ok(found, `${uid}: panel "${title}"`);
    return found;
  };
  const redFrom = (found: ThresholdedPanel) =>
    found.fieldConfig?.defaults?.thresholds?.steps?.find(({ color }) => color === 'red')?.value;

  const fastBurn = burnRateThreshold(BACKEND_ALERTS, 'BackendErrorBudgetBurnFast');
  const burnPanel = `Error-budget burn rate (SLO ${percent(1 - fastBurn.errorBudget)})`;
  const cases: Array<{ uid: string; titles: string[]; value: number }> = [
    {
      uid: 'service-overview',
      titles: ['Error ratio', 'Error ratio (5xx)'],
      value: threshold(BACKEND_ALERTS, 'BackendHighErrorRatio'),
    },
    {
      uid: 'service-overview',
      titles: ['p99 latency by route'],
      value: threshold(BACKEND_ALERTS, 'BackendHighLatencyP99'),
    },
    {
      uid: 'service-overview',
      titles: [burnPanel],
      value: fastBurn.burnRate,
    },
    {
      uid: 'runtime',
      titles: ['Event-loop lag p99', 'Event-loop lag'],
      value: threshold(BACKEND_ALERTS, 'BackendEventLoopLag'),
    },
  ];
  for (const { uid, titles, value } of cases) {
    for (const title of titles) {
      test(`${uid} / ${title}: red from ${value}`, () => {
        assert.equal(redFrom(panel(uid, title)), value);
      });
    }
  }

  test('the burn-rate panel divides the error ratio by the error budget of the SLO', () => {
    const burn = panel('service-overview', burnPanel);
    const exprs = (burn.targets ?? []).map(({ expr }) => expr ?? '');
    assert.equal(exprs.length, 2);
    for (const expr of exprs) assert.ok(expr.endsWith(` / ${fastBurn.errorBudget}`), expr);
  });
});
