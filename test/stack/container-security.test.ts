import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDotEnv } from '../../scripts/health.ts';
import { readRepoFile, readRepoYaml } from '../helpers/repo.ts';

/**
 * What Trivy checks in the security workflow (the Dockerfile's user and instructions, and the
 * compose rules of .github/trivy/checks/, proven to bite by its canary) is not repeated here:
 * these are the parts no tool checks.
 */

interface Service {
  volumes?: string[];
  environment?: Record<string, string>;
}

const compose = readRepoYaml<{ services: Record<string, Service> }>('compose.yaml');

describe('compose.yaml: least privilege', () => {
  test('only Alloy gets the Docker socket', () => {
    const withSocket = Object.entries(compose.services)
      .filter(([, service]) => (service.volumes ?? []).some((volume) => volume.includes('docker.sock')))
      .map(([name]) => name);
    assert.deepEqual(withSocket, ['alloy']);
  });

  test('Grafana: no anonymous access, the admin password from the variable .env.example documents', () => {
    const environment = compose.services.grafana?.environment ?? {};
    assert.equal(environment.GF_AUTH_ANONYMOUS_ENABLED, 'false');
    const variable = /^\$\{([A-Z_]+):-[^}]+\}$/.exec(environment.GF_SECURITY_ADMIN_PASSWORD ?? '')?.[1];
    assert.ok(variable && variable in parseDotEnv(readRepoFile('.env.example')), `${variable} in .env.example`);
  });
});

describe('the service image', () => {
  test('the build context is an allowlist: no .env, .git or node_modules can reach the image', () => {
    const lines = readRepoFile('.dockerignore')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(lines[0], '*');
    for (const line of lines.slice(1)) {
      assert.match(line, /^!((packages\/fastify-http-telemetry\/)?(package\.json|src\/)|package-lock\.json)$/);
    }
  });
});
