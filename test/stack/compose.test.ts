import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseDotEnv } from '../../scripts/health.ts';
import { run } from '../helpers/processes.ts';
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

  test('finds the replicas by DNS, sends only to ready ones, and its healthcheck port is the one compose probes', () => {
    const config = readRepoFile(CONFIG);
    assert.match(config, /^\s*server-template \w+ \d+ backend:8080$/m);
    assert.match(config, /^\s*http-check send meth GET uri \/readyz$/m);
    assert.match(config, /^\s*parse-resolv-conf$/m);
    const probe = JSON.stringify(compose.services.loadbalancer?.healthcheck?.test);
    const monitor = /^\s*monitor-uri (\S+)$/m.exec(config)?.[1];
    const adminPort = /frontend admin\s*\n\s*bind :(\d+)/.exec(config)?.[1];
    assert.ok(probe.includes(`http://127.0.0.1:${adminPort}${monitor}`), probe);
  });
});
