import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDotEnv } from '../../scripts/health.ts';
import { readRepoFile, readRepoYaml } from '../helpers/repo.ts';

interface Service {
  build?: unknown;
  privileged?: boolean;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
interface Compose {
  services: Record<string, Service>;
}

/**
 * The rules of .github/trivy/checks/compose.rego, which Trivy applies in the security workflow
 * (Trivy cannot run here): the same five, so both agree on what least privilege means.
 */
function leastPrivilegeViolations({ services }: Compose): string[] {
  const violations: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (service.privileged === true) violations.push(`${name}: privileged`);
    for (const volume of service.volumes ?? []) {
      if (volume.includes('docker.sock') && !volume.endsWith(':ro')) violations.push(`${name}: writable docker.sock`);
    }
    if (service.build === undefined) continue;
    if (service.read_only !== true) violations.push(`${name}: writable root filesystem`);
    if (!service.cap_drop?.includes('ALL')) violations.push(`${name}: capabilities kept`);
    if (!service.security_opt?.includes('no-new-privileges:true')) violations.push(`${name}: new privileges allowed`);
  }
  return violations;
}

const compose = readRepoYaml<Compose>('compose.yaml');

describe('compose.yaml: least privilege', () => {
  test('no privileged service, the Docker socket read-only, the service built here locked down', () => {
    assert.deepEqual(leastPrivilegeViolations(compose), []);
  });

  // Trivy cannot run here: this checks the rules' TypeScript mirror on the canary, and that the
  // workflow runs the Rego check; the workflow's canary step proves the Rego itself bites.
  test('the canary breaks every rule of the mirror, and the security workflow runs the Rego check', () => {
    assert.deepEqual(leastPrivilegeViolations(readRepoYaml<Compose>('.github/trivy/canary/compose.yaml')), [
      'app: privileged',
      'app: writable docker.sock',
      'app: writable root filesystem',
      'app: capabilities kept',
      'app: new privileges allowed',
    ]);
    const check = readRepoFile('.github/trivy/checks/compose.rego');
    assert.match(check, /^#\s+id: COMPOSE001$/m);
    assert.match(readRepoFile('.github/workflows/security.yml'), /COMPOSE001/);
  });

  test('only Alloy gets the Docker socket, and the compose file says why', () => {
    const withSocket = Object.entries(compose.services)
      .filter(([, service]) => (service.volumes ?? []).some((volume) => volume.includes('docker.sock')))
      .map(([name]) => name);
    assert.deepEqual(withSocket, ['alloy']);
    const lines = readRepoFile('compose.yaml').split('\n');
    const mount = lines.findIndex((line) => line.includes('/var/run/docker.sock:'));
    assert.ok(
      lines.slice(mount - 2, mount).some((line) => line.trim().startsWith('#')),
      'a comment above the mount',
    );
  });

  test('Grafana: no anonymous access, the admin password from .env, documented as one to change', () => {
    const environment = compose.services.grafana?.environment ?? {};
    assert.equal(environment.GF_AUTH_ANONYMOUS_ENABLED, 'false');
    assert.match(environment.GF_SECURITY_ADMIN_PASSWORD ?? '', /^\$\{GF_SECURITY_ADMIN_PASSWORD:-[^}]+\}$/);
    assert.ok('GF_SECURITY_ADMIN_PASSWORD' in parseDotEnv(readRepoFile('.env.example')));
    assert.match(readRepoFile('SECURITY.md'), /GF_SECURITY_ADMIN_PASSWORD/);
  });
});

describe('the service image', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line));

  test('runs as an unprivileged user', () => {
    const users = instructions.filter((line) => line.startsWith('USER '));
    assert.ok(users.length > 0, 'a USER instruction');
    assert.doesNotMatch(users.at(-1) ?? '', /^USER\s+(root|0)(:|\s|$)/);
  });

  test('from an exactly pinned base, installing production dependencies without their scripts', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-alpine\d+\.\d+$/m);
    const install = instructions.find((line) => line.includes('npm ci')) ?? '';
    assert.match(install, /--omit=dev/);
    assert.match(install, /--ignore-scripts/);
    assert.ok(!instructions.some((line) => line.startsWith('ADD ')), 'COPY, never ADD');
    assert.ok(instructions.some((line) => line.startsWith('HEALTHCHECK ')));
  });

  test('the build context is an allowlist: no .env, .git or node_modules can reach the image', () => {
    const lines = readRepoFile('.dockerignore')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(lines[0], '*');
    for (const line of lines.slice(1)) assert.match(line, /^!(package(-lock)?\.json|src\/)$/);
  });
});
