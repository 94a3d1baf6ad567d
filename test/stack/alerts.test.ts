import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { parse, stringify } from 'yaml';
import { pollUntil } from '../../support/poll.ts';
import { instantQuery } from '../../traffic/prometheus.ts';
import { buildTestApp } from '../helpers/app.ts';
import { run, scratchDir } from '../helpers/processes.ts';
import { repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { ALERTMANAGER_YML, backendOnlyConfig, startAlertmanager, startPrometheus } from '../helpers/stack.ts';

const RULES = 'observability/prometheus/rules/backend.yml';
const RULE_TESTS = 'observability/prometheus/tests/backend.test.yml';

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A webhook receiver for Alertmanager: collects every alert it is sent. */
async function startWebhook(t: Parameters<typeof buildTestApp>[0]) {
  const alerts: WebhookAlert[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      alerts.push(...(JSON.parse(body) as { alerts: WebhookAlert[] }).alerts);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, alerts };
}

/** The shipped rules with every `for:` cut to one second: same expressions, no five-minute wait. */
function rulesWithShortFor(): string {
  return readFileSync(repoPath(RULES), 'utf8').replace(/^(\s+)for: \S+$/gm, '$1for: 1s');
}

/** The shipped Alertmanager routing, with the default receiver sending to the test's webhook at once. */
function alertmanagerWithWebhook(webhook: string): string {
  const config = parse(readFileSync(repoPath(ALERTMANAGER_YML), 'utf8')) as {
    route: Record<string, unknown>;
    receivers: Array<Record<string, unknown>>;
  };
  config.route.group_wait = '1s';
  config.route.group_interval = '1s';
  for (const receiver of config.receivers) {
    if (receiver.name === config.route.receiver) receiver.webhook_configs = [{ url: webhook, send_resolved: false }];
  }
  return stringify(config);
}

describe('alert rules', () => {
  test('promtool checks the rules and passes their unit tests', async (t) => {
    const promtool = requireTool(t, 'promtool', 'apt-get install prometheus');
    if (promtool === undefined) return;
    const check = await run(promtool, ['check', 'rules', repoPath(RULES)]);
    assert.equal(check.code, 0, check.output);
    const unit = await run(promtool, ['test', 'rules', repoPath(RULE_TESTS)]);
    assert.equal(unit.code, 0, unit.output);
  });

  test('5xx from the real service fire in Prometheus and reach Alertmanager, which notifies the webhook', async (t) => {
    const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
    const alertmanagerBinary = requireTool(t, 'prometheus-alertmanager', 'apt-get install prometheus-alertmanager');
    if (prometheusBinary === undefined || alertmanagerBinary === undefined) return;

    const { app } = await buildTestApp(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const service = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const webhook = await startWebhook(t);

    const dir = scratchDir(t, 'stack-alerts-');
    const alertmanagerConfig = join(dir, 'alertmanager.yml');
    writeFileSync(alertmanagerConfig, alertmanagerWithWebhook(webhook.url));
    const alertmanager = await startAlertmanager(t, alertmanagerBinary, dir, alertmanagerConfig);

    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'backend.yml'), rulesWithShortFor());
    const config = backendOnlyConfig(new URL(service).host, alertmanager.address);
    config.global = { ...config.global, evaluation_interval: '1s' };
    config.rule_files = [join(dir, 'rules', '*.yml')];
    for (const job of config.scrape_configs) Object.assign(job, { scrape_interval: '1s', scrape_timeout: '1s' });
    // Resend at once: the first notification can be sent before Alertmanager is discovered.
    const prometheus = await startPrometheus(t, prometheusBinary, dir, config, ['--rules.alert.resend-delay=1s']);

    const send = (path: string, times: number) =>
      Promise.all(Array.from({ length: times }, () => fetch(`${service}${path}`).then((r) => r.text())));
    // One of each first, so the series exist in Prometheus before the counters climb.
    await send('/', 1);
    await send('/status/500', 1);
    await pollUntil(
      () => instantQuery(prometheus, `${REQUEST_DURATION}_count{http_response_status_code="500"}`),
      (result) => result.length === 1,
      { what: 'the 500 series to be scraped', deadlineMs: 20_000 },
    );
    await send('/', 40);
    await send('/status/500', 40);

    // 50% errors: the ratio alert and both burn-rate alerts (with seconds of data, every window reads 50%).
    const errorAlerts = ['BackendHighErrorRatio', 'BackendErrorBudgetBurnFast', 'BackendErrorBudgetBurnSlow'];
    const firing = await pollUntil(
      () => webhook.alerts,
      (alerts) => errorAlerts.every((name) => alerts.some((alert) => alert.labels.alertname === name)),
      { what: 'the error alerts to reach the webhook', deadlineMs: 45_000 },
    );
    const ratio = firing.find((alert) => alert.labels.alertname === 'BackendHighErrorRatio');
    assert.equal(ratio?.status, 'firing');
    assert.deepEqual(ratio?.labels, {
      alertname: 'BackendHighErrorRatio',
      job: 'backend',
      service: 'backend',
      severity: 'warning',
    });
    assert.match(ratio?.annotations.summary ?? '', /^backend answers \d+(\.\d+)?% of requests with a 5xx$/);
    assert.equal(
      firing.find((alert) => alert.labels.alertname === 'BackendErrorBudgetBurnFast')?.labels.severity,
      'critical',
    );

    // The target is up, fast and responsive: nothing else fires.
    const others = firing.filter((alert) => !errorAlerts.includes(alert.labels.alertname ?? ''));
    assert.deepEqual(others, []);
  });
});
