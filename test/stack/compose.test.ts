import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { REQUEST_DURATION } from 'fastify-http-telemetry';
import { parse } from 'yaml';
import { parseDotEnv } from '../../scripts/health.ts';
import { freePort } from '../../support/free-port.ts';
import { pollUntil } from '../../support/poll.ts';
import { buildTestApp } from '../helpers/app.ts';
import { run, scratchDir, startProcess } from '../helpers/processes.ts';
import { readRepoFile, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';

interface Service {
  image?: string;
  build?: unknown;
  healthcheck?: { test?: unknown; disable?: boolean; interval?: string };
  profiles?: string[];
  restart?: string;
  mem_limit?: string;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }>;
  labels?: Record<string, string>;
  logging?: { driver?: string };
  privileged?: boolean;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  pull_policy?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** compose.yaml as Compose reads it: `<<:` merges the x- extension fields into each service. */
const COMPOSE_TEXT = readRepoFile('compose.yaml');
const compose = parse(COMPOSE_TEXT, { merge: true }) as Compose;
const services = Object.entries(compose.services);
const documented = parseDotEnv(readRepoFile('.env.example'));
/** Exact release tags only: no `latest`, no floating major or minor. */
const PINNED_TAG = /^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$/;
const HOST_PORT = /^127\.0\.0\.1:\$\{([A-Z_]+):-(\d+)\}:(\d+)$/;
const LOG_LABEL = 'observability-demo.collect-logs';
/** Built from the Dockerfile; everything else is a pinned upstream image. */
const BUILT = 'backend';
/** Runs the built image without building it again. */
const REUSES_BUILT_IMAGE = 'traffic';
/** The compose service, the Prometheus job and the Loki service_name of the service. */
const SERVICE = 'backend';

describe('compose.yaml', () => {
  test('docker-compose 1.29 accepts it, with and without the documented .env, scaled too', async (t) => {
    const dockerCompose = requireTool(t, 'docker-compose', 'apt-get install docker-compose');
    if (dockerCompose === undefined) return;
    for (const envFile of [[], ['--env-file', repoPath('.env.example')]]) {
      const result = await run(dockerCompose, ['-f', repoPath('compose.yaml'), ...envFile, 'config', '-q']);
      assert.equal(result.code, 0, result.output);
    }
    // docker-compose 1.29 resolves the `<<:` merges as Compose v2 does: every service gets them.
    const resolved = await run(dockerCompose, ['-f', repoPath('compose.yaml'), 'config']);
    assert.equal(resolved.code, 0, resolved.output);
    const { services: seen } = parse(resolved.stdout) as Compose;
    for (const [name, service] of Object.entries(seen)) {
      assert.equal(service.labels?.[LOG_LABEL], 'true', `${name}: the log label, as docker-compose resolves it`);
      assert.equal(service.logging?.driver, 'json-file', `${name}: capped logs, as docker-compose resolves it`);
    }
  });

  test('dclint (the current compose spec) finds no error and no warning', async () => {
    // .dclintrc asks for the double quotes Biome's YAML formatter writes.
    const result = await run(repoPath('node_modules/.bin/dclint'), [
      '--config',
      repoPath('.dclintrc'),
      '--max-warnings',
      '0',
      repoPath('compose.yaml'),
    ]);
    assert.equal(result.code, 0, result.output);
  });

  test('the seven services of the stack are there, the load balancer and the traffic generator', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'alertmanager',
      'alloy',
      'backend',
      'grafana',
      'loadbalancer',
      'loki',
      'prometheus',
      'tempo',
      'traffic',
    ]);
  });

  for (const [name, service] of services) {
    test(`${name}: pinned, healthchecked, restarted, limited, on localhost, waits for healthy dependencies`, () => {
      if (name === BUILT) assert.ok(service.build, `${name} is built from the Dockerfile`);
      else if (name === REUSES_BUILT_IMAGE) assert.equal(service.build, undefined, `${name} is not built again`);
      else assert.match(service.image ?? '', PINNED_TAG);
      if (service.profiles === undefined) {
        assert.ok(service.healthcheck?.test ?? name === BUILT, 'a healthcheck (the built image brings its own)');
        assert.equal(service.healthcheck?.interval, '10s', 'the shared healthcheck timing');
        assert.equal(service.restart, 'unless-stopped');
      } else {
        // A one-shot command run on demand (docker compose run): nothing to probe, nothing to restart.
        assert.equal(service.healthcheck?.disable, true, 'no healthcheck for a one-shot command');
        assert.equal(service.restart, 'no');
      }
      assert.match(service.mem_limit ?? '', /^\d+[mg]$/);
      assert.notEqual(service.privileged, true, 'no privileged containers');
      assert.equal(service.labels?.[LOG_LABEL], 'true', 'Alloy collects its logs');
      assert.equal(service.logging?.driver, 'json-file', "Docker's own log files are capped");

      for (const port of service.ports ?? []) {
        const match = HOST_PORT.exec(port);
        assert.ok(match, `${port} is bound to 127.0.0.1 and overridable`);
        const [, variable = '', hostDefault] = match;
        assert.equal(documented[variable], hostDefault, `${variable} is documented in .env.example with its default`);
      }
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(compose.services[dependency], `${dependency} exists`);
        assert.equal(condition, 'service_healthy', `${name} waits for ${dependency} to be healthy`);
      }
      for (const volume of service.volumes ?? []) {
        const [source = '', , mode] = volume.split(':');
        if (source.startsWith('./')) {
          assert.ok(existsSync(repoPath(source)), `${source} exists`);
          assert.equal(mode, 'ro', `${source} is mounted read-only`);
        } else if (!source.startsWith('/')) {
          assert.ok(source in compose.volumes, `named volume ${source} is declared`);
        }
      }
    });
  }

  test('every stateful service keeps its data in a named volume', () => {
    const stateless = [BUILT, REUSES_BUILT_IMAGE, 'loadbalancer'];
    for (const [name, service] of services) {
      if (stateless.includes(name)) continue;
      const named = (service.volumes ?? []).filter((v) => !v.startsWith('.') && !v.startsWith('/'));
      assert.ok(named.length > 0, `${name} has a named volume`);
    }
  });

  test('the service image is built once and reused by the traffic generator', () => {
    const built = compose.services[BUILT];
    const reuser = compose.services[REUSES_BUILT_IMAGE];
    assert.ok(built?.image, 'the build is tagged, so another service can name it');
    assert.equal(reuser?.image, built?.image);
    assert.equal(reuser?.pull_policy, 'never', 'a local image: pulling it from a registry can only fail');
    assert.ok(reuser?.depends_on?.[BUILT], `"run" brings up (and builds) ${BUILT} first`);
    // One healthcheck definition: the Dockerfile's; compose only sets its timing.
    assert.equal(built?.healthcheck?.test, undefined);
    assert.match(readRepoFile('Dockerfile'), /^HEALTHCHECK /m);
  });

  test('scales: the service publishes no host port, the load balancer in front of it does', () => {
    const backend = compose.services[SERVICE];
    assert.equal(backend?.ports, undefined, 'a fixed host port would clash between replicas');
    assert.deepEqual(backend?.expose, ['8080']);
    const balancer = compose.services.loadbalancer;
    const [published = '', ...others] = balancer?.ports ?? [];
    assert.deepEqual(others, []);
    assert.deepEqual(HOST_PORT.exec(published)?.slice(1), ['BACKEND_PORT', '8080', '8080'], published);
    assert.deepEqual(balancer?.depends_on, { backend: { condition: 'service_healthy' } });
    // The generator inside the network goes through it too, so every replica gets traffic.
    assert.ok(compose.services.traffic?.entrypoint?.includes('http://loadbalancer:8080'));
  });

  test('Prometheus keeps 15 days, stores exemplars and accepts remote write', () => {
    const command = compose.services.prometheus?.command ?? [];
    for (const flag of [
      '--storage.tsdb.retention.time=15d',
      '--enable-feature=exemplar-storage',
      '--web.enable-remote-write-receiver',
    ]) {
      assert.ok(command.includes(flag), flag);
    }
  });

  test('nothing phones home: Alloy reports no usage, Grafana installs and checks nothing from grafana.com', () => {
    assert.ok(compose.services.alloy?.command?.includes('--disable-reporting'));
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(compose.services.grafana?.environment ?? {}).filter(([name]) =>
          /^GF_(ANALYTICS|PLUGINS)_/.test(name),
        ),
      ),
      {
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
        GF_PLUGINS_PREINSTALL_DISABLED: 'true',
        GF_PLUGINS_PREINSTALL_AUTO_UPDATE: 'false',
      },
    );
  });

  test("Alloy's cAdvisor sees the containers, read-only and unprivileged", () => {
    const alloy = compose.services.alloy;
    const volumes = alloy?.volumes ?? [];
    for (const mount of [
      '/var/run/docker.sock:/var/run/docker.sock:ro',
      // Containers on Docker's containerd image store are known to cAdvisor through containerd only.
      '/run/containerd/containerd.sock:/run/containerd/containerd.sock:ro',
      '/sys:/sys:ro',
      '/:/rootfs:ro',
    ]) {
      assert.ok(volumes.includes(mount), mount);
    }
    for (const volume of volumes.filter((v) => v.startsWith('/'))) assert.match(volume, /:ro$/, volume);
    assert.notEqual(alloy?.privileged, true);
  });

  test('the backend drains within its stop grace period and exports traces to Alloy', () => {
    const backend = compose.services.backend;
    const grace = Number(documented.SHUTDOWN_GRACE_SECONDS);
    assert.ok(grace > 0);
    assert.ok(grace < Number.parseInt(String((backend as { stop_grace_period?: string }).stop_grace_period), 10));
    assert.equal(backend?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://alloy:4318');
    assert.equal(backend?.environment?.SERVICE_NAME, 'backend');
  });
});

describe('the load balancer (observability/loadbalancer/haproxy.cfg)', () => {
  const CONFIG = 'observability/loadbalancer/haproxy.cfg';

  test('HAProxy accepts the configuration', async (t) => {
    const haproxy = requireTool(t, 'haproxy', 'apt-get install haproxy');
    if (haproxy === undefined) return;
    // -c only parses and checks; the config names no address outside the compose network.
    const result = await run(haproxy, ['-c', '-f', repoPath(CONFIG)]);
    assert.equal(result.code, 0, result.output);
  });

  test("checks each replica's /readyz (503 while it drains) and answers the probe compose sends", () => {
    const config = readRepoFile(CONFIG);
    // The load balancer test below proves discovery and spreading; this is what it cannot see.
    assert.match(config, /^\s*http-check send meth GET uri \/readyz$/m);
    const probe = JSON.stringify(compose.services.loadbalancer?.healthcheck?.test);
    const monitor = /^\s*monitor-uri (\S+)$/m.exec(config)?.[1];
    const adminPort = /frontend admin\s*\n\s*bind :(\d+)/.exec(config)?.[1];
    assert.ok(probe.includes(`http://127.0.0.1:${adminPort}${monitor}`), probe);
  });
});

// ---------------------------------------------------------------------------------------------
// The load balancer at work: real HAProxy, the real configuration, real service instances
// ---------------------------------------------------------------------------------------------

/** Replicas get their own loopback addresses, as containers get their own IPs; one shared port. */
const REPLICA_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const DNS_TYPE_A = 1;
const DNS_NAME_ERROR = 3;
/** Long enough for HAProxy's 1 s re-resolution and 2 s health checks (haproxy.cfg) to settle. */
const SETTLE_MS = 20_000;
const REQUESTS = 30;

/**
 * A TEST DOUBLE for Docker's embedded DNS (it needs a container engine): answers "backend" with
 * one A record per replica currently listed, as Docker does for a scaled service.
 */
async function startDockerDnsDouble(t: TestContext, replicas: () => string[]): Promise<number> {
  const socket = createSocket('udp4');
  socket.on('message', (query, sender) => {
    let offset = 12; // after the header: the question's name, label by label
    const labels: string[] = [];
    while (query[offset] !== 0) {
      const length = query[offset] ?? 0;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
      offset += length + 1;
    }
    const questionEnd = offset + 5; // the name's final zero, then type and class
    const known = labels.join('.').toLowerCase() === 'backend';
    const addresses = known && query.readUInt16BE(offset + 1) === DNS_TYPE_A ? replicas() : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0); // the query's id
    header.writeUInt16BE(0x8180 | (known ? 0 : DNS_NAME_ERROR), 2); // a recursive answer, or no such name
    header.writeUInt16BE(1, 4); // the question, echoed
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(DNS_TYPE_A, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(1, 6); // TTL: one second
      record.writeUInt16BE(4, 10);
      for (const [index, part] of address.split('.').entries()) record.writeUInt8(Number(part), 12 + index);
      return record;
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...answers]), sender.port, sender.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.after(() => socket.close());
  return socket.address().port;
}

/** haproxy.cfg with only its addresses moved: the DNS double for Docker's, loopback ports for the binds. */
function haproxyConfigForTest(ports: { dns: number; front: number; admin: number; replicas: number }): string {
  const moves: Array<[string | RegExp, string]> = [
    [/^\s*parse-resolv-conf$/m, `  nameserver docker-double 127.0.0.1:${ports.dns}`],
    [/^\s*bind :8080$/m, `  bind 127.0.0.1:${ports.front}`],
    [/^\s*bind :8404$/m, `  bind 127.0.0.1:${ports.admin}`],
    [' backend:8080', ` backend:${ports.replicas}`],
  ];
  let config = readRepoFile('observability/loadbalancer/haproxy.cfg');
  for (const [from, to] of moves) {
    assert.equal(config.split(from).length, 2, `haproxy.cfg has exactly one ${from}`);
    config = config.replace(from, to);
  }
  return config;
}

/** Requests for "/" that one replica counted, from its own /metrics. */
async function countedRoot(replica: string): Promise<number> {
  const text = await (await fetch(`${replica}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${REQUEST_DURATION}_count{`) && line.includes('http_route="/"'))
    .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
}

describe('the load balancer in front of scaled replicas (real HAProxy, DNS as Docker answers it)', () => {
  test('spreads requests over every replica DNS names, drops one that stops, takes in one that starts', async (t) => {
    const haproxy = requireTool(t, 'haproxy', 'apt-get install haproxy');
    if (haproxy === undefined) return;

    // Four service instances on one port, each on its own address, like four containers.
    let port = 0;
    const replicas: Array<{ address: string; url: string; close: () => Promise<void> }> = [];
    for (let attempt = 0; replicas.length < REPLICA_ADDRESSES.length; attempt += 1) {
      assert.ok(attempt < 5, 'a port free on every replica address');
      port = await freePort();
      for (const replica of replicas.splice(0)) await replica.close();
      try {
        for (const address of REPLICA_ADDRESSES) {
          const { app } = await buildTestApp(t);
          replicas.push({ address, url: `http://${address}:${port}`, close: () => app.close() });
          await app.listen({ port, host: address });
        }
      } catch {
        // Another process holds the port on one of the addresses: try another port.
      }
    }
    const [first, second, third, fourth] = replicas;
    assert.ok(first && second && third && fourth);

    let named = [first, second, third].map(({ address }) => address);
    const dns = await startDockerDnsDouble(t, () => named);
    const [front, admin] = [await freePort(), await freePort()];
    const dir = scratchDir(t, 'stack-haproxy-');
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfigForTest({ dns, front, admin, replicas: port }));
    // -db: foreground, as the image runs it. Ready once its healthcheck (one replica up) says so.
    await startProcess(t, haproxy, ['-db', '-f', config], `http://127.0.0.1:${admin}/healthz`);

    const activeServers = async () => {
      const text = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
      return Number(/^haproxy_backend_active_servers\{proxy="replicas"\} (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
    };
    const spreadOver = async (serving: typeof replicas) => {
      const before = await Promise.all(replicas.map(({ url }) => countedRoot(url).catch(() => 0)));
      const statuses = await Promise.all(
        Array.from({ length: REQUESTS }, () => fetch(`http://127.0.0.1:${front}/`).then((res) => res.status)),
      );
      assert.deepEqual(new Set(statuses), new Set([200]), 'every request answered');
      const after = await Promise.all(replicas.map(({ url }) => countedRoot(url).catch(() => 0)));
      const served = replicas.map((_, index) => (after[index] ?? 0) - (before[index] ?? 0));
      const shares = replicas
        .filter((replica) => serving.includes(replica))
        .map((r) => served[replicas.indexOf(r)] ?? 0);
      assert.equal(
        served.reduce((a, b) => a + b, 0),
        REQUESTS,
        `each request served once: ${served.join(', ')}`,
      );
      assert.ok(
        shares.every((share) => share > 0) && Math.max(...shares) - Math.min(...shares) <= 1,
        `round robin over ${serving.map(({ address }) => address).join(', ')}: ${served.join(', ')}`,
      );
    };

    await pollUntil(activeServers, (active) => active === 3, { what: '3 replicas up', deadlineMs: SETTLE_MS });
    await spreadOver([first, second, third]);

    // A replica stops (docker compose stop, scale down, a crash): requests keep being answered,
    // retried on another replica until the health check and DNS drop it.
    await first.close();
    named = [second.address, third.address];
    const meanwhile = await Promise.all(
      Array.from({ length: REQUESTS }, () => fetch(`http://127.0.0.1:${front}/`).then((res) => res.status)),
    );
    assert.deepEqual(new Set(meanwhile), new Set([200]), 'no request lost while a replica goes away');
    await pollUntil(activeServers, (active) => active === 2, { what: '2 replicas up', deadlineMs: SETTLE_MS });
    await spreadOver([second, third]);

    // A replica starts (scale up): DNS names it, HAProxy takes it in.
    named = [second.address, third.address, fourth.address];
    await pollUntil(activeServers, (active) => active === 3, { what: 'the new replica up', deadlineMs: SETTLE_MS });
    await spreadOver([second, third, fourth]);

    // No replica at all: the compose healthcheck reports the load balancer unhealthy.
    named = [];
    for (const replica of [second, third, fourth]) await replica.close();
    await pollUntil(
      () => fetch(`http://127.0.0.1:${admin}/healthz`).then((res) => res.status),
      (status) => status === 503,
      { what: 'the healthcheck to fail without replicas', deadlineMs: SETTLE_MS },
    );
  });
});
