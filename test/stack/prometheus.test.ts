import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { pollUntil } from '../../support/poll.ts';
import { countKey, instantQuery, requestCounts } from '../../traffic/prometheus.ts';
import { buildTestApp } from '../helpers/app.ts';
import { run, scratchDir } from '../helpers/processes.ts';
import { readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import {
  ALERTMANAGER_YML,
  backendOnlyConfig,
  PROMETHEUS_YML,
  type PrometheusConfig,
  type ScrapeConfig,
  startAlertmanager,
  startPrometheus,
} from '../helpers/stack.ts';

/** The backend job as compose runs it: every replica found by Docker's DNS. */
type DnsDiscoveredJob = ScrapeConfig & {
  dns_sd_configs?: Array<{ names: string[]; type: string; port: number; refresh_interval?: string }>;
};

/**
 * The configuration with DNS discovery removed: "backend" resolves only inside a compose network,
 * and here it would send a query to the machine's resolver. The test's static target stands in.
 */
function withoutDnsDiscovery(config: PrometheusConfig): PrometheusConfig {
  const scrapeConfigs = config.scrape_configs.map((job) => {
    const { dns_sd_configs: _dns, ...rest } = job as DnsDiscoveredJob;
    return rest;
  });
  return { ...config, scrape_configs: scrapeConfigs };
}

describe('Prometheus with the repository configuration', () => {
  test('promtool accepts prometheus.yml and amtool accepts alertmanager.yml', async (t) => {
    const promtool = requireTool(t, 'promtool', 'apt-get install prometheus');
    const amtool = requireTool(t, 'amtool', 'apt-get install prometheus-alertmanager');
    if (promtool === undefined || amtool === undefined) return;
    // The shipped file, DNS discovery of the backend replicas included (promtool resolves nothing).
    const prometheus = await run(promtool, ['check', 'config', repoPath(PROMETHEUS_YML)]);
    assert.equal(prometheus.code, 0, prometheus.output);
    const alertmanager = await run(amtool, ['check-config', repoPath(ALERTMANAGER_YML)]);
    assert.equal(alertmanager.code, 0, alertmanager.output);
  });

  test('finds every backend replica through Docker DNS: A records, port 8080, job "backend"', () => {
    const backendJob = readRepoYaml<PrometheusConfig>(PROMETHEUS_YML).scrape_configs.find(
      (j) => j.job_name === 'backend',
    ) as DnsDiscoveredJob | undefined;
    assert.equal(backendJob?.static_configs, undefined, 'a static backend:8080 reaches one replica per scrape');
    assert.deepEqual(
      backendJob?.dns_sd_configs?.map(({ names, type, port }) => ({ names, type, port })),
      [{ names: ['backend'], type: 'A', port: 8080 }],
    );
  });

  test('scrapes the service every 3 s and counts exactly the requests sent', async (t) => {
    const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
    const alertmanagerBinary = requireTool(t, 'prometheus-alertmanager', 'apt-get install prometheus-alertmanager');
    if (prometheusBinary === undefined || alertmanagerBinary === undefined) return;

    const backendJob = readRepoYaml<PrometheusConfig>(PROMETHEUS_YML).scrape_configs.find(
      (j) => j.job_name === 'backend',
    );
    assert.equal(backendJob?.scrape_interval, '3s', 'the Python demo scraped every 3 s');

    const { app } = await buildTestApp(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const service = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const dir = scratchDir(t, 'stack-prometheus-');
    const alertmanager = await startAlertmanager(t, alertmanagerBinary, dir);
    const prometheus = await startPrometheus(
      t,
      prometheusBinary,
      dir,
      withoutDnsDiscovery(backendOnlyConfig(service, alertmanager.address)),
    );

    await pollUntil(
      () => instantQuery(prometheus, 'up{job="backend"}'),
      (result) => result[0]?.value[1] === '1',
      { what: 'the backend target to be up', deadlineMs: 20_000 },
    );

    const mix: Array<[string, number, string, string]> = [
      ['/', 20, '/', '200'],
      ['/status/400', 5, '/status/{status_code}', '400'],
      ['/status/409', 3, '/status/{status_code}', '409'],
      ['/status/500', 7, '/status/{status_code}', '500'],
      ['/status/200?seconds_sleep=0.05', 4, '/status/{status_code}', '200'],
      ['/no/such/page', 2, 'unmatched', '404'],
    ];
    for (const [path, times] of mix) {
      await Promise.all(Array.from({ length: times }, () => fetch(`http://${service}${path}`).then((r) => r.text())));
    }
    const expected = new Map<string, number>();
    for (const [, times, route, status] of mix) {
      expected.set(countKey(route, status), (expected.get(countKey(route, status)) ?? 0) + times);
    }

    const counted = await pollUntil(
      () => requestCounts(new URL(prometheus), 'backend'),
      (got) => [...expected].every(([key, value]) => got.get(key) === value),
      { what: 'Prometheus to count every request', deadlineMs: 30_000 },
    );
    assert.deepEqual(counted, expected, 'exactly what was sent, nothing else');

    const alertmanagers = (await (await fetch(`${prometheus}/api/v1/alertmanagers`)).json()) as {
      data: { activeAlertmanagers: Array<{ url: string }> };
    };
    assert.deepEqual(
      alertmanagers.data.activeAlertmanagers.map((am) => am.url),
      [`${alertmanager.url}/api/v2/alerts`],
    );
  });
});
