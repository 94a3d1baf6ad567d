import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../../support/free-port.ts';
import { prometheusApi } from '../../traffic/prometheus.ts';
import { startProcess } from './processes.ts';
import { readRepoYaml, repoPath } from './repo.ts';

/** Real Prometheus and Alertmanager (Debian packages) run with the repository's configuration. */

export const PROMETHEUS_YML = 'observability/prometheus/prometheus.yml';
export const ALERTMANAGER_YML = 'observability/alertmanager/alertmanager.yml';

export interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs: Array<{ targets: string[] }>;
}
export interface PrometheusConfig {
  global: Record<string, unknown>;
  rule_files?: string[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
  scrape_configs: ScrapeConfig[];
}

/** The repository's prometheus.yml, reduced to its backend job, pointed at the test's service and Alertmanager. */
function withoutDnsDiscovery({
  dns_sd_configs: _dns,
  ...job
}: ScrapeConfig & { dns_sd_configs?: unknown }): ScrapeConfig {
  return job;
}

export function backendOnlyConfig(backend: string, alertmanager: string): PrometheusConfig {
  const config = readRepoYaml<PrometheusConfig>(PROMETHEUS_YML);
  const backendJob = config.scrape_configs.find((job) => job.job_name === 'backend');
  assert.ok(backendJob, 'prometheus.yml has a backend job');
  return {
    ...config,
    rule_files: (config.rule_files ?? []).map((pattern) => join(repoPath('observability/prometheus'), pattern)),
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] },
    // A static target stands in for compose's DNS discovery of the replicas.
    scrape_configs: [{ ...withoutDnsDiscovery(backendJob), static_configs: [{ targets: [backend] }] }],
  };
}

/** Compose's command line for Prometheus, with paths and address moved to the test's. */
function composeFlags(configFile: string, dataDir: string, port: number): string[] {
  const compose = readRepoYaml<{ services: Record<string, { command?: string[] }> }>('compose.yaml');
  const moved = ['--config.file=', '--storage.tsdb.path=', '--web.listen-address='];
  return [
    ...(compose.services.prometheus?.command ?? []).filter((flag) => !moved.some((prefix) => flag.startsWith(prefix))),
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ];
}

export async function startAlertmanager(
  t: TestContext,
  binary: string,
  dir: string,
  configFile = repoPath(ALERTMANAGER_YML),
): Promise<{ url: string; address: string }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  await startProcess(
    t,
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'alertmanager')}`,
      `--web.listen-address=${address}`,
      // A single instance, as in compose: no cluster listener.
      '--cluster.listen-address=',
    ],
    `http://${address}/-/ready`,
  );
  return { url: `http://${address}`, address };
}

/** Prometheus with compose's flags (plus `extraFlags`) and the given configuration. */
export async function startPrometheus(
  t: TestContext,
  binary: string,
  dir: string,
  config: PrometheusConfig,
  extraFlags: string[] = [],
): Promise<string> {
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await startProcess(
    t,
    binary,
    [...composeFlags(configFile, join(dir, 'data'), port), ...extraFlags],
    `${url}/-/ready`,
  );
  return url;
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

/** The exemplars of the series `promql` selects between `start` and `end` (Unix seconds); none is an empty list. */
export async function queryExemplars(
  prometheus: string,
  promql: string,
  { start, end }: { start: number; end: number },
): Promise<ExemplarSeries[]> {
  const series = await prometheusApi<ExemplarSeries[] | null>(prometheus, '/api/v1/query_exemplars', {
    query: promql,
    start,
    end,
  });
  return series ?? [];
}
