import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { run } from '../helpers/processes.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';
import { helmErrors, type K8sObject, KUBE_VERSION, manifestObjects, only, requireHelm } from './chart.ts';

const TEMPO_CHART = 'deploy/helm/tempo';
const COMPOSE_TEMPO = 'observability/tempo/tempo.yaml';

async function renderTempo(helm: string, args: string[] = []): Promise<K8sObject[]> {
  const result = await run(helm, [
    'template',
    'tempo',
    repoPath(TEMPO_CHART),
    '--namespace',
    'monitoring',
    '--kube-version',
    KUBE_VERSION,
    ...args,
  ]);
  assert.equal(result.code, 0, result.output);
  return manifestObjects(result.stdout);
}

const services = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => o.kind === 'Service');
function named(objects: K8sObject[], name: string): K8sObject {
  const found = services(objects).find((service) => service.metadata.name === name);
  assert.ok(found, `no Service ${name}`);
  return found;
}

describe('the Tempo 3 chart (no community chart runs Tempo 3 monolithic)', () => {
  test('helm lint --strict passes', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const result = await run(helm, ['lint', '--strict', '--kube-version', KUBE_VERSION, repoPath(TEMPO_CHART)]);
    assert.equal(result.code, 0, result.output);
    assert.equal(helmErrors(result.stderr), '');
  });

  for (const persistence of [true, false]) {
    test(`renders objects valid against their schemas (persistence ${persistence ? 'on' : 'off'})`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const objects = await renderTempo(helm, ['--set', `persistence.enabled=${persistence}`]);
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Service', 'Service', 'StatefulSet']);
      new StatefulSet(only(objects, 'StatefulSet') as never).validate();
      for (const service of services(objects)) new Service(service as never).validate();
      new ConfigMap(only(objects, 'ConfigMap') as never).validate();
    });
  }

  test('its configuration is observability/tempo/tempo.yaml, with only the remote-write URL set for the cluster', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const configMap = only(await renderTempo(helm), 'ConfigMap');
    const rendered = parse(configMap.data?.['tempo.yaml'] ?? '') as Record<string, unknown>;
    const expected = parse(readRepoFile(COMPOSE_TEMPO)) as {
      metrics_generator: { storage: { remote_write: Array<{ url: string }> } };
    };
    const [remoteWrite] = expected.metrics_generator.storage.remote_write;
    assert.ok(remoteWrite);
    remoteWrite.url = 'http://kps-prometheus:9090/api/v1/write';
    assert.deepEqual(rendered, expected);
  });

  test('the remote-write URL names the Prometheus of deploy/values/kube-prometheus-stack.yaml', () => {
    const { fullnameOverride } = readRepoYaml<{ fullnameOverride: string }>('deploy/values/kube-prometheus-stack.yaml');
    const { remoteWriteUrl } = readRepoYaml<{ remoteWriteUrl: string }>(`${TEMPO_CHART}/values.yaml`);
    assert.equal(new URL(remoteWriteUrl).hostname, `${fullnameOverride}-prometheus`);
  });

  test('the Service is "tempo" with the ports Alloy and Grafana use, as in compose', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const service = named(await renderTempo(helm), 'tempo') as K8sObject & {
      spec: { ports: Array<{ port: number }> };
    };
    assert.equal(service.metadata.name, 'tempo');
    const ports = service.spec.ports.map((p) => p.port);
    assert.ok(readRepoFile('observability/alloy/config.alloy').includes('endpoint = "tempo:4317"'));
    assert.ok(ports.includes(4317), 'OTLP gRPC from Alloy');
    assert.ok(ports.includes(3200), "Grafana's datasource");
  });

  test('the StatefulSet is governed by a headless Service and has startup, liveness and readiness probes on /ready', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await renderTempo(helm);
    const statefulSet = only(objects, 'StatefulSet') as K8sObject & {
      spec: {
        serviceName: string;
        template: { spec: { containers: Array<Record<string, { httpGet: { path: string } } | undefined>> } };
      };
    };
    const headless = named(objects, statefulSet.spec.serviceName);
    assert.equal((headless.spec as { clusterIP: string }).clusterIP, 'None');
    assert.equal(
      (named(objects, 'tempo').spec as { clusterIP?: string }).clusterIP,
      undefined,
      'clients keep a virtual IP',
    );
    const [container] = statefulSet.spec.template.spec.containers;
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      assert.equal(container?.[probe]?.httpGet.path, '/ready', probe);
    }
  });
});
