import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { STACK_CONTAINER_LABEL } from '../../dashboards/stack.ts';
import { run, scratchDir } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { PROMETHEUS_YML } from '../helpers/stack.ts';
import { type K8sObject, only, renderChart, requireHelm } from './chart.ts';

const RULES_DIR = 'observability/prometheus/rules';
const RULE_TESTS_DIR = 'observability/prometheus/tests';
const DASHBOARDS_DIR = 'observability/grafana/dashboards';
/**
 * Left out of the chart: its container panels group by compose's service label
 * (container_label_com_docker_compose_service) and its stack panels select the compose job
 * names; kube-prometheus-stack ships its own dashboards for the components it runs.
 */
const COMPOSE_ONLY_DASHBOARDS = ['stack.json'];

interface ComposeScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[] }>;
}

interface RuleGroup {
  name: string;
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}

function filesIn(dir: string, extension: string): string[] {
  return readdirSync(repoPath(dir))
    .filter((name) => name.endsWith(extension))
    .sort();
}

function sourceGroups(): RuleGroup[] {
  return filesIn(RULES_DIR, '.yml').flatMap(
    (file) => readRepoYaml<{ groups: RuleGroup[] }>(`${RULES_DIR}/${file}`).groups,
  );
}

describe('the chart renders the one source of rules and dashboards', () => {
  test('the PrometheusRule groups are exactly the groups of observability/prometheus/rules/*.yml', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const rule = only(await renderChart(helm), 'PrometheusRule') as K8sObject & { spec: { groups: RuleGroup[] } };
    assert.deepEqual(rule.spec.groups, sourceGroups());
  });

  test('promtool checks and unit-tests the rendered groups as it does the source', async (t) => {
    const helm = requireHelm(t);
    const promtool = requireTool(t, 'promtool', 'apt-get install prometheus');
    if (helm === undefined || promtool === undefined) return;
    const rule = only(await renderChart(helm), 'PrometheusRule') as K8sObject & { spec: unknown };

    // The rule tests name their rule files as ../rules/<file>: the same layout, with the
    // rendered spec standing in for every source file.
    const dir = scratchDir(t, 'deploy-rules-');
    mkdirSync(join(dir, 'rules'));
    mkdirSync(join(dir, 'tests'));
    const rendered = join(dir, 'rendered.yml');
    writeFileSync(rendered, stringify(rule.spec));
    const [first, ...others] = filesIn(RULES_DIR, '.yml');
    assert.ok(first, 'rule files exist');
    copyFileSync(rendered, join(dir, 'rules', first));
    for (const file of others) writeFileSync(join(dir, 'rules', file), 'groups: []\n');
    const tests = filesIn(RULE_TESTS_DIR, '.yml');
    assert.ok(tests.length > 0, 'rule tests exist');
    for (const file of tests) copyFileSync(repoPath(`${RULE_TESTS_DIR}/${file}`), join(dir, 'tests', file));

    const check = await run(promtool, ['check', 'rules', rendered]);
    assert.equal(check.code, 0, check.output);
    const unit = await run(promtool, ['test', 'rules', ...tests.map((file) => join('tests', file))], dir);
    assert.equal(unit.code, 0, unit.output);
    assert.match(unit.output, /SUCCESS/);
  });

  test('each dashboard ConfigMap holds its committed JSON byte for byte; only the compose-only ones are left out', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const configMaps = (await renderChart(helm)).filter((o) => o.kind === 'ConfigMap');
    const rendered = new Map<string, string>();
    for (const configMap of configMaps) {
      assert.equal(configMap.metadata.labels?.grafana_dashboard, '1', 'picked up by the Grafana sidecar');
      for (const [key, value] of Object.entries(configMap.data ?? {})) rendered.set(key, value);
    }
    const expected = filesIn(DASHBOARDS_DIR, '.json').filter((file) => !COMPOSE_ONLY_DASHBOARDS.includes(file));
    assert.deepEqual([...rendered.keys()].sort(), expected);
    for (const file of expected) {
      assert.equal(rendered.get(file), readRepoFile(`${DASHBOARDS_DIR}/${file}`), file);
    }
  });

  test('the left-out dashboards are the ones that select on compose-only labels', () => {
    for (const file of COMPOSE_ONLY_DASHBOARDS) {
      // cAdvisor's form of compose.yaml's collect-logs label: no pod has it.
      assert.ok(readRepoFile(`${DASHBOARDS_DIR}/${file}`).includes(STACK_CONTAINER_LABEL), file);
    }
  });

  test('the chart takes rules and dashboards through symlinks into observability/, not copies', () => {
    const chartFiles = repoPath('deploy/helm/backend/files');
    const rules = readFileSync(join(chartFiles, 'rules', filesIn(RULES_DIR, '.yml')[0] ?? ''), 'utf8');
    assert.equal(rules, readRepoFile(`${RULES_DIR}/${filesIn(RULES_DIR, '.yml')[0]}`));
    for (const entry of readdirSync(join(chartFiles, 'dashboards'), { withFileTypes: true })) {
      assert.ok(entry.isSymbolicLink(), `${entry.name} is a symlink`);
    }
    assert.ok(
      readdirSync(chartFiles, { withFileTypes: true })
        .find((e) => e.name === 'rules')
        ?.isSymbolicLink(),
      'files/rules is a symlink',
    );
  });

  test('the ServiceMonitor relabels job to the job the rules and compose use, and keeps instance per pod', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const monitor = only(await renderChart(helm), 'ServiceMonitor') as K8sObject & {
      spec: { endpoints: Array<{ port: string; path: string; relabelings: Array<Record<string, string>> }> };
    };
    const [endpoint] = monitor.spec.endpoints;
    assert.ok(endpoint);
    assert.equal(endpoint.path, '/metrics');

    // The compose job that scrapes the backend service, by static target or by DNS name.
    const composeJob = readRepoYaml<{ scrape_configs: ComposeScrapeConfig[] }>(PROMETHEUS_YML).scrape_configs.find(
      (job) =>
        job.static_configs?.some((c) => c.targets.includes('backend:8080')) ||
        job.dns_sd_configs?.some((c) => c.names.includes('backend')),
    )?.job_name;
    const rulesJob = /up\{job="([^"]+)"\}/.exec(
      filesIn(RULES_DIR, '.yml')
        .map((f) => readRepoFile(`${RULES_DIR}/${f}`))
        .join('\n'),
    )?.[1];
    assert.ok(composeJob && rulesJob);
    assert.equal(rulesJob, composeJob);

    // Apply the rendered relabelings as Prometheus would to the labels the operator sets
    // (job = the Service's name): the last rule writing job decides.
    const labels: Record<string, string> = { job: 'demo-backend', instance: '10.0.0.7:8080' };
    for (const rule of endpoint.relabelings) {
      assert.equal(rule.action ?? 'replace', 'replace');
      if (rule.targetLabel !== undefined && rule.replacement !== undefined && rule.sourceLabels === undefined) {
        labels[rule.targetLabel] = rule.replacement;
      }
    }
    assert.equal(labels.job, rulesJob);
    assert.equal(labels.instance, '10.0.0.7:8080', 'instance is left alone: one per replica');
  });
});
