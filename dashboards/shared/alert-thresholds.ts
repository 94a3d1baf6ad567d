/**
 * The thresholds of the alerting rules, read from the rules file when the dashboards are built: the lines
 * the panels draw are the rules' own. Change a rule, run `npm run dashboards`; the stale-JSON test says so.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const BACKEND_RULES = new URL('../../observability/prometheus/rules/backend.yml', import.meta.url);

interface RulesFile {
  groups: Array<{ rules: Array<{ alert?: string; expr: string }> }>;
}

/** Each alert's expression, by alert name. */
type AlertExpressions = ReadonlyMap<string, string>;

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
/** So `> 0.05 * 2` is not read as 0.05. */
const NO_ARITHMETIC_AFTER = String.raw`(?![\d.]|\s*[-+*/%^])`;
/** `ratio > 0.05` */
const ABOVE_NUMBER = new RegExp(String.raw`>=?\s*${NUMBER}${NO_ARITHMETIC_AFTER}`, 'g');
/** `ratio > (14.4 * 0.005)`: a burn rate times the error budget. */
const ABOVE_BURN_RATE = new RegExp(String.raw`>=?\s*\(\s*${NUMBER}\s*\*\s*${NUMBER}\s*\)${NO_ARITHMETIC_AFTER}`, 'g');

/** The alerts of a rules file (recording rules left out). */
export function alertExpressions(rulesYaml: string): AlertExpressions {
  const { groups } = parse(rulesYaml) as RulesFile;
  return new Map(groups.flatMap(({ rules }) => rules.flatMap(({ alert, expr }) => (alert ? [[alert, expr]] : []))));
}

/** The numbers `name`'s expression compares against: the same in every comparison, or an error. */
function comparedTo(alerts: AlertExpressions, name: string, pattern: RegExp, shape: string): number[] {
  const expr = alerts.get(name);
  if (expr === undefined) throw new Error(`no alert named ${name} in the rules`);
  const found = [...expr.matchAll(pattern)].map(([, ...numbers]) => numbers.map(Number));
  const distinct = new Set(found.map((numbers) => numbers.join()));
  if (distinct.size !== 1) {
    throw new Error(`alert ${name}: expected one threshold of the form "${shape}", found ${distinct.size}: ${expr}`);
  }
  return found[0] as number[];
}

/** The value of `expr > value` that fires alert `name`. */
export function threshold(alerts: AlertExpressions, name: string): number {
  return comparedTo(alerts, name, ABOVE_NUMBER, '> 0.05')[0] as number;
}

/** The burn rate and error budget of `ratio > (burnRate * errorBudget)` that fire alert `name`. */
export function burnRateThreshold(alerts: AlertExpressions, name: string): { burnRate: number; errorBudget: number } {
  const [burnRate, errorBudget] = comparedTo(alerts, name, ABOVE_BURN_RATE, '> (14.4 * 0.005)');
  return { burnRate: burnRate as number, errorBudget: errorBudget as number };
}

/** The alerts of observability/prometheus/rules/backend.yml. */
export const BACKEND_ALERTS = alertExpressions(readFileSync(BACKEND_RULES, 'utf8'));
