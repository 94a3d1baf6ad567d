import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseDotEnv } from '../../scripts/health.ts';
import { run } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';

interface Service {
  image?: string;
  build?: unknown;
  healthcheck?: { test?: unknown; disable?: boolean };
  profiles?: string[];
  restart?: string;
  mem_limit?: string;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }>;
  labels?: Record<string, string>;
  privileged?: boolean;
  command?: string[];
  environment?: Record<string, string>;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = readRepoYaml<Compose>('compose.yaml');
const services = Object.entries(compose.services);
const documented = parseDotEnv(readRepoFile('.env.example'));
/** Exact release tags only: no `latest`, no floating major or minor. */
const PINNED_TAG = /^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$/;
const HOST_PORT = /^127\.0\.0\.1:\$\{([A-Z_]+):-(\d+)\}:(\d+)$/;
const LOG_LABEL = 'observability-demo.collect-logs';

describe('compose.yaml', () => {
  test('docker-compose 1.29 accepts it, with and without the documented .env', async (t) => {
    const dockerCompose = requireTool(t, 'docker-compose', 'apt-get install docker-compose');
    if (dockerCompose === undefined) return;
    for (const envFile of [[], ['--env-file', repoPath('.env.example')]]) {
      const result = await run(dockerCompose, ['-f', repoPath('compose.yaml'), ...envFile, 'config', '-q']);
      assert.equal(result.code, 0, result.output);
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

  test('the seven services of the stack are there, and the traffic generator', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'alertmanager',
      'alloy',
      'backend',
      'grafana',
      'loki',
      'prometheus',
      'tempo',
      'traffic',
    ]);
  });

  for (const [name, service] of services) {
    test(`${name}: pinned, healthchecked, restarted, limited, on localhost, waits for healthy dependencies`, () => {
      if (name === 'backend' || name === 'traffic') assert.ok(service.build, `${name} is built from the Dockerfile`);
      else assert.match(service.image ?? '', PINNED_TAG);
      if (service.profiles === undefined) {
        assert.ok(service.healthcheck?.test, 'healthcheck');
        assert.equal(service.restart, 'unless-stopped');
      } else {
        // A one-shot command run on demand (docker compose run): nothing to probe, nothing to restart.
        assert.equal(service.healthcheck?.disable, true, 'no healthcheck for a one-shot command');
        assert.equal(service.restart, 'no');
      }
      assert.match(service.mem_limit ?? '', /^\d+[mg]$/);
      assert.notEqual(service.privileged, true, 'no privileged containers');
      assert.equal(service.labels?.[LOG_LABEL], 'true', 'Alloy collects its logs');

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
    for (const [name, service] of services) {
      if (name === 'backend' || name === 'traffic') continue;
      const named = (service.volumes ?? []).filter((v) => !v.startsWith('.') && !v.startsWith('/'));
      assert.ok(named.length > 0, `${name} has a named volume`);
    }
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

  test('the backend drains within its stop grace period and exports traces to Alloy', () => {
    const backend = compose.services.backend;
    const grace = Number(documented.SHUTDOWN_GRACE_SECONDS);
    assert.ok(grace > 0);
    assert.ok(grace < Number.parseInt(String((backend as { stop_grace_period?: string }).stop_grace_period), 10));
    assert.equal(backend?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://alloy:4318');
    assert.equal(backend?.environment?.SERVICE_NAME, 'backend');
  });
});
