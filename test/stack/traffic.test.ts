import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { parseOptions } from '../../traffic/args.ts';
import { countKey, REQUEST_COUNT } from '../../traffic/prometheus.ts';
import type { Summary } from '../../traffic/summary.ts';
import type { Verification } from '../../traffic/verify.ts';
import { parseExposition } from '../helpers/exposition.ts';
import { scratchDir } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { backendOnlyConfig, type ScrapeConfig, startPrometheus } from '../helpers/stack.ts';
import { runCli } from '../helpers/traffic-cli.ts';

/** Prometheus has no Alertmanager to reach here: nothing listens on the discard port. */
const NO_ALERTMANAGER = '127.0.0.1:9';
const REPLICAS = 3;
/** A job that scrapes only some replicas: --verify must notice the requests the others answered. */
const PARTIAL_JOB = 'backend-two-of-three';

/**
 * Test double for the load balancer compose puts in front of the replicas (none can run here): a TCP
 * proxy that hands each new connection to the next replica in turn, as Docker's DNS round robin would.
 */
async function roundRobinProxy(t: TestContext, targets: URL[]): Promise<string> {
  const sockets = new Set<Socket>();
  let next = 0;
  const proxy = createServer((client) => {
    const target = targets[next++ % targets.length] as URL;
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    proxy.close();
  });
  return `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
}

/** Requests a replica answered, from its own /metrics: "route status" → count. */
async function ownCounts(replica: ServerProcess): Promise<Map<string, number>> {
  const samples = parseExposition(await (await fetch(`${replica.url}/metrics`)).text());
  const counts = new Map<string, number>();
  for (const { name, labels, value } of samples) {
    if (name !== REQUEST_COUNT || value === 0) continue;
    const key = countKey(String(labels.http_route), String(labels.http_response_status_code));
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

test('traffic --verify sums the counts of every replica in the job, and notices one left out', async (t) => {
  const prometheusBinary = requireTool(t, 'prometheus', 'apt-get install prometheus');
  if (prometheusBinary === undefined) return;

  const replicas = await Promise.all(Array.from({ length: REPLICAS }, () => startServer(t)));
  const hosts = replicas.map((replica) => new URL(replica.url).host);
  const dir = scratchDir(t, 'traffic-verify-');
  // File discovery stands in for compose's DNS discovery: the same job, its targets from outside the config.
  const targetsFile = join(dir, 'backend-targets.json');
  writeFileSync(targetsFile, JSON.stringify([{ targets: hosts }]));
  const base = backendOnlyConfig(hosts[0] ?? '', NO_ALERTMANAGER);
  const { static_configs: _static, ...backendJob } = base.scrape_configs[0] as ScrapeConfig;
  const discovered = { ...backendJob, static_configs: [], file_sd_configs: [{ files: [targetsFile] }] };
  const partial = { ...backendJob, job_name: PARTIAL_JOB, static_configs: [{ targets: hosts.slice(0, 2) }] };
  // Alert rules are other tests' concern.
  const config = { ...base, rule_files: [], scrape_configs: [discovered, partial] };
  const prometheus = await startPrometheus(t, prometheusBinary, dir, config);
  const proxy = await roundRobinProxy(
    t,
    replicas.map((replica) => new URL(replica.url)),
  );

  const verified = await runCli(t, [
    '--url',
    proxy,
    '--scale',
    '0.01',
    '--json',
    '--verify',
    '--prometheus',
    prometheus,
  ]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const summary = JSON.parse(verified.stdout) as Summary & { verify: Verification };
  assert.equal(summary.totals.sent, 370);
  assert.equal(summary.verify.job, 'backend');
  assert.deepEqual(summary.verify.rows, [
    { route: '/', status: '200', sent: 200, counted: 200 },
    { route: '/status/{status_code}', status: '200', sent: 70, counted: 70 },
    { route: '/status/{status_code}', status: '400', sent: 20, counted: 20 },
    { route: '/status/{status_code}', status: '409', sent: 30, counted: 30 },
    { route: '/status/{status_code}', status: '500', sent: 50, counted: 50 },
  ]);
  assert.match(verified.stderr, /^Verified: Prometheus counted all 370 requests, by route and status\.$/m);
  // The sum is a real one: every replica answered part of the run, and Prometheus scraped all three.
  const answered = await Promise.all(replicas.map(async (replica) => [...(await ownCounts(replica)).values()]));
  const perReplica = answered.map((counts) => counts.reduce((sum, n) => sum + n, 0));
  assert.ok(
    perReplica.every((n) => n > 0 && n < 370),
    `requests per replica: ${perReplica.join(', ')}`,
  );
  assert.equal(
    perReplica.reduce((sum, n) => sum + n, 0),
    370,
  );

  // The same traffic, checked against a job that scrapes two of the three replicas: a mismatch, exit 1.
  const partialRun = await runCli(t, [
    '--url',
    proxy,
    '--scale',
    '0.01',
    '--verify',
    '--prometheus',
    prometheus,
    '--job',
    PARTIAL_JOB,
  ]);
  assert.equal(partialRun.code, 1, partialRun.stdout + partialRun.stderr);
  assert.match(partialRun.stdout, new RegExp(`^Prometheus ${prometheus}, job "${PARTIAL_JOB}": `, 'm'));
  const root = /^\/\s+200\s+200\s+(\d+)\s+MISMATCH$/m.exec(partialRun.stdout);
  assert.ok(root !== null && Number(root[1]) < 200, partialRun.stdout);
  assert.match(partialRun.stdout, /^MISMATCH: Prometheus did not count what was sent/m);
  assert.doesNotMatch(partialRun.stderr, /^\s+at /m, 'a mismatch is a verdict, not a crash');
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
    loadbalancer: { condition: 'service_healthy' },
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
  assert.equal(options.url.href, `http://loadbalancer:${containerPort('loadbalancer')}/`);
  assert.equal(options.prometheus.href, `http://prometheus:${containerPort('prometheus')}/`);
  assert.deepEqual([options.scenario, options.verify], ['seed', true]);
});
