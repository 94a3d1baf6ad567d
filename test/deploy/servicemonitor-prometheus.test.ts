import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { pollUntil } from '../../support/poll.ts';
import { instantQuery } from '../../traffic/prometheus.ts';
import { listenTestApp } from '../helpers/app.ts';
import { scratchDir } from '../helpers/processes.ts';
import { readRepoYaml } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { PROMETHEUS_YML, type PrometheusConfig, type ScrapeConfig, startPrometheus } from '../helpers/stack.ts';
import { type K8sObject, NAMESPACE, only, RELEASE, renderChart, requireHelm } from './chart.ts';

interface Relabeling {
  action?: string;
  sourceLabels?: string[];
  separator?: string;
  targetLabel?: string;
  regex?: string;
  replacement?: string;
}

/** A ServiceMonitor relabeling in Prometheus's own spelling (the operator's translation). */
function toPrometheus(rule: Relabeling): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      action: rule.action,
      source_labels: rule.sourceLabels,
      separator: rule.separator,
      target_label: rule.targetLabel,
      regex: rule.regex,
      replacement: rule.replacement,
    }).filter(([, value]) => value !== undefined),
  );
}

describe("the ServiceMonitor's relabeling in a real Prometheus", () => {
  test('the scraped service comes out as job="backend", the job the rules and dashboards select', async (t) => {
    const helm = requireHelm(t);
    const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
    if (helm === undefined || prometheusBinary === undefined) return;

    const monitor = only(await renderChart(helm), 'ServiceMonitor') as K8sObject & {
      spec: { endpoints: Array<{ path: string; relabelings: Relabeling[] }> };
    };
    const [endpoint] = monitor.spec.endpoints;
    assert.ok(endpoint);
    const service = await listenTestApp(t);

    // Test double for the Prometheus Operator, which cannot run here: the scrape job it would
    // generate for this endpoint, reduced to its job naming (job = the Service's name, set before
    // the ServiceMonitor's own relabelings, which it appends) and a 1 s interval for a quick test.
    const operatorJob: ScrapeConfig & { metrics_path: string; relabel_configs: Array<Record<string, unknown>> } = {
      job_name: `serviceMonitor/${NAMESPACE}/${monitor.metadata.name}/0`,
      scrape_interval: '1s',
      scrape_timeout: '1s',
      static_configs: [{ targets: [`127.0.0.1:${service.port}`] }],
      metrics_path: endpoint.path,
      relabel_configs: [
        { target_label: 'job', replacement: `${RELEASE}-backend` },
        ...endpoint.relabelings.map(toPrometheus),
      ],
    };
    const config: PrometheusConfig = {
      global: readRepoYaml<PrometheusConfig>(PROMETHEUS_YML).global,
      alerting: { alertmanagers: [] },
      scrape_configs: [operatorJob],
    };
    const prometheus = await startPrometheus(t, prometheusBinary, scratchDir(t, 'deploy-sm-'), config);
    await fetch(`${service.url}/`);

    const series = await pollUntil(
      () => instantQuery(prometheus, `${REQUEST_DURATION}_count{http_route="/"}`),
      (result) => result.length > 0,
      { what: 'the request to be scraped', deadlineMs: 20_000 },
    );
    assert.deepEqual([...new Set(series.map((s) => s.metric.job))], ['backend']);
    assert.equal((await instantQuery(prometheus, 'up{job="backend"}'))[0]?.value[1], '1');
    assert.deepEqual(
      await instantQuery(prometheus, `up{job="${RELEASE}-backend"}`),
      [],
      "the operator's job name is gone",
    );
  });
});
