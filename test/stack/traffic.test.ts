import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { parseOptions } from '../../traffic/args.ts';
import type { Summary } from '../../traffic/summary.ts';
import type { Verification } from '../../traffic/verify.ts';
import { scratchDir } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { startServer } from '../helpers/server-process.ts';
import { backendOnlyConfig, startPrometheus } from '../helpers/stack.ts';
import { runCli } from '../helpers/traffic-cli.ts';

/** Prometheus has no Alertmanager to reach here: nothing listens on the discard port. */
const NO_ALERTMANAGER = '127.0.0.1:9';

test('traffic --verify: passes when Prometheus scrapes the service loaded, fails when it scrapes another', async (t) => {
  const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
  if (prometheusBinary === undefined) return;

  const scraped = await startServer(t);
  const notScraped = await startServer(t);
  // The repository's backend job (its 3 s interval) pointed at `scraped`; alert rules are other tests' concern.
  const config = { ...backendOnlyConfig(new URL(scraped.url).host, NO_ALERTMANAGER), rule_files: [] };
  const prometheus = await startPrometheus(t, prometheusBinary, scratchDir(t, 'traffic-verify-'), config);

  const passing = await runCli(t, [
    '--url',
    scraped.url,
    '--scale',
    '0.001',
    '--json',
    '--verify',
    '--prometheus',
    prometheus,
  ]);
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  const summary = JSON.parse(passing.stdout) as Summary & { verify: Verification };
  assert.equal(summary.totals.sent, 37);
  assert.equal(summary.verify.passed, true);
  assert.deepEqual(summary.verify.rows, [
    { route: '/', status: '200', sent: 20, counted: 20 },
    { route: '/status/{status_code}', status: '200', sent: 7, counted: 7 },
    { route: '/status/{status_code}', status: '400', sent: 2, counted: 2 },
    { route: '/status/{status_code}', status: '409', sent: 3, counted: 3 },
    { route: '/status/{status_code}', status: '500', sent: 5, counted: 5 },
  ]);
  assert.match(passing.stderr, /^Verified: Prometheus counted all 37 requests, by route and status\.$/m);

  // Same Prometheus, same job, but the service loaded now is one it does not scrape.
  const failing = await runCli(t, [
    '--url',
    notScraped.url,
    '--scale',
    '0.001',
    '--verify',
    '--prometheus',
    prometheus,
  ]);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  assert.match(failing.stdout, /^ROUTE\s+STATUS\s+SENT\s+COUNTED$/m);
  assert.match(failing.stdout, /^\/\s+200\s+20\s+0\s+MISMATCH$/m);
  assert.match(failing.stdout, /^\/status\/\{status_code\}\s+500\s+5\s+0\s+MISMATCH$/m);
  assert.match(failing.stdout, /^MISMATCH: Prometheus did not count what was sent/m);
  assert.doesNotMatch(failing.stderr, /^\s+at /m, 'a mismatch is a verdict, not a crash');
});

interface ComposeService {
  entrypoint?: string[];
  command?: string[];
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }>;
}

test('compose: the traffic service runs this CLI against the service and Prometheus inside the network', () => {
  const { services } = readRepoYaml<{ services: Record<string, ComposeService> }>('compose.yaml');
  const traffic = services.traffic ?? {};
  assert.deepEqual(traffic.profiles, ['traffic'], 'not started by "up"');
  assert.deepEqual(traffic.depends_on, {
    backend: { condition: 'service_healthy' },
    prometheus: { condition: 'service_healthy' },
  });

  // The sources are mounted where the image's working directory expects them.
  const workdir = /^WORKDIR (\S+)$/m.exec(readRepoFile('Dockerfile'))?.[1];
  assert.deepEqual(traffic.volumes, [`./traffic:${workdir}/traffic:ro`]);
  const [node, script, ...flags] = traffic.entrypoint ?? [];
  assert.equal(node, 'node');
  assert.equal(script, 'traffic/cli.ts');
  assert.ok(existsSync(repoPath(script)));

  // Entrypoint and default command parse as the CLI reads them, at the ports the containers listen on.
  const options = parseOptions([...flags, ...(traffic.command ?? [])]);
  const containerPort = (service: string) => services[service]?.ports?.[0]?.split(':').at(-1);
  assert.equal(options.url.href, `http://backend:${containerPort('backend')}/`);
  assert.equal(options.prometheus.href, `http://prometheus:${containerPort('prometheus')}/`);
  assert.deepEqual([options.scenario, options.verify], ['seed', true]);
});
