import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { run } from '../helpers/processes.ts';
import { repoPath } from '../helpers/repo.ts';
import {
  ALL_ON_VALUES,
  CHART,
  helmErrors,
  type K8sObject,
  KUBE_VERSION,
  only,
  renderChart,
  requireHelm,
} from './chart.ts';

/** The schema of every kind the chart may render (kubernetes-models validate types, not unknown fields). */
const MODELS: Record<string, { validate(object: K8sObject): void }> = {
  'apps/v1/Deployment': { validate: (o) => new Deployment(o as never).validate() },
  'v1/Service': { validate: (o) => new Service(o as never).validate() },
  'v1/ConfigMap': { validate: (o) => new ConfigMap(o as never).validate() },
  'v1/ServiceAccount': { validate: (o) => new ServiceAccount(o as never).validate() },
  'networking.k8s.io/v1/Ingress': { validate: (o) => new Ingress(o as never).validate() },
  'autoscaling/v2/HorizontalPodAutoscaler': { validate: (o) => new HorizontalPodAutoscaler(o as never).validate() },
  'policy/v1/PodDisruptionBudget': { validate: (o) => new PodDisruptionBudget(o as never).validate() },
  'monitoring.coreos.com/v1/ServiceMonitor': { validate: (o) => new ServiceMonitor(o as never).validate() },
  'monitoring.coreos.com/v1/PrometheusRule': { validate: (o) => new PrometheusRule(o as never).validate() },
};

function validate(object: K8sObject): void {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  assert.ok(model, `no schema for ${object.apiVersion} ${object.kind}`);
  model.validate(object);
}

const RENDERINGS = [
  {
    name: 'default values',
    args: [],
    kinds: ['ConfigMap', 'Deployment', 'PrometheusRule', 'Service', 'ServiceMonitor'],
  },
  {
    name: 'every optional part on',
    args: ['--values', repoPath(ALL_ON_VALUES)],
    kinds: [
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Ingress',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ],
  },
] as const;

interface Probe {
  httpGet: { path: string; port: string };
  failureThreshold?: number;
  successThreshold?: number;
  periodSeconds?: number;
}
interface Container {
  image: string;
  env: Array<{ name: string; value?: string }>;
  securityContext: Record<string, unknown>;
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe?: Probe;
  resources: { limits?: Record<string, string> };
  ports: Array<{ name: string; containerPort: number }>;
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  serviceAccountName?: string;
  automountServiceAccountToken: boolean;
  topologySpreadConstraints?: Array<{ topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }>;
  securityContext: Record<string, unknown>;
  containers: Container[];
}

function podSpec(objects: K8sObject[]): PodSpec {
  const deployment = only(objects, 'Deployment') as K8sObject & { spec: { template: { spec: PodSpec } } };
  return deployment.spec.template.spec;
}

function envOf(container: Container): Record<string, string | undefined> {
  return Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
}

describe('the backend chart', () => {
  for (const { name, args } of RENDERINGS) {
    test(`helm lint --strict passes with ${name}`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const result = await run(helm, ['lint', '--strict', '--kube-version', KUBE_VERSION, repoPath(CHART), ...args]);
      assert.equal(result.code, 0, result.output);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      assert.equal(helmErrors(result.stderr), '', 'helm reported only the followed symlinks');
    });
  }

  for (const { name, args, kinds } of RENDERINGS) {
    test(`with ${name}, renders ${kinds.join(', ')}, each valid against its schema`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const objects = await renderChart(helm, args);
      assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [...kinds]);
      for (const object of objects) {
        assert.doesNotThrow(() => validate(object), `${object.kind} ${object.metadata.name}`);
      }
    });
  }

  test('the schema check can fail: a Deployment with a string for replicas is refused', () => {
    const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } };
    assert.throws(() => validate(broken as unknown as K8sObject));
  });

  test('the pod is hardened as compose hardens the container', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const spec = podSpec(await renderChart(helm));
    assert.deepEqual(spec.securityContext, {
      runAsNonRoot: true,
      // The Dockerfile's USER node: uid and gid 1000 in the official Node images.
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = spec.containers;
    assert.ok(container);
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    assert.ok(container.resources.limits?.memory, 'a memory limit, as compose mem_limit');
    assert.ok(container.resources.limits?.cpu, 'a CPU limit');
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  const TERMINATION_CASES = [
    { drain: 5, grace: 30, margin: 5 },
    { drain: 0, grace: 10, margin: 1 },
    { drain: 20, grace: 120, margin: 10 },
  ] as const;
  for (const { drain, grace, margin } of TERMINATION_CASES) {
    test(`drain ${drain} s + grace ${grace} s + margin ${margin} s: terminationGracePeriodSeconds covers them, env carries them`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const spec = podSpec(
        await renderChart(helm, [
          '--set',
          `service.drainDelaySeconds=${drain},service.shutdownGraceSeconds=${grace},terminationMarginSeconds=${margin}`,
        ]),
      );
      assert.equal(spec.terminationGracePeriodSeconds, drain + grace + margin);
      const [container] = spec.containers;
      assert.ok(container);
      const env = envOf(container);
      assert.equal(env.DRAIN_DELAY_SECONDS, String(drain));
      assert.equal(env.SHUTDOWN_GRACE_SECONDS, String(grace));
    });
  }

  test('the service settings become its environment; tracing only with an endpoint', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const [defaults] = podSpec(await renderChart(helm)).containers;
    const [allOn] = podSpec(await renderChart(helm, ['--values', repoPath(ALL_ON_VALUES)])).containers;
    assert.ok(defaults && allOn);
    assert.deepEqual(envOf(defaults), {
      PORT: '8080',
      HOST: '0.0.0.0',
      SERVICE_NAME: 'backend',
      OTEL_SERVICE_NAME: 'backend',
      LOG_LEVEL: 'info',
      MAX_SLEEP_SECONDS: '60',
      DRAIN_DELAY_SECONDS: '5',
      SHUTDOWN_GRACE_SECONDS: '30',
    });
    assert.equal(envOf(allOn).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://alloy.monitoring:4318');
    assert.equal(envOf(allOn).NODE_OPTIONS, '--max-old-space-size=192');
  });

  test('with autoscaling on, the HPA owns the replica count', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await renderChart(helm, ['--values', repoPath(ALL_ON_VALUES)]);
    assert.equal(only(objects, 'Deployment').spec?.replicas, undefined);
    const hpa = only(objects, 'HorizontalPodAutoscaler').spec as { scaleTargetRef: { name: string } };
    assert.equal(hpa.scaleTargetRef.name, only(objects, 'Deployment').metadata.name);
  });

  test('probes: readiness forgives one slow answer, liveness succeeds once, no startup probe unless asked', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const [container] = podSpec(await renderChart(helm)).containers;
    assert.ok(container);
    assert.equal(container.readinessProbe.failureThreshold, 3);
    assert.equal(container.livenessProbe.successThreshold, 1, 'Kubernetes refuses any other value for liveness');
    assert.equal(container.startupProbe, undefined);
  });

  test('no ServiceAccount of its own and no token by default; the pod runs as the namespace default', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await renderChart(helm);
    const spec = podSpec(objects);
    assert.equal(spec.serviceAccountName, undefined);
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(objects.filter((o) => o.kind === 'ServiceAccount').length, 0);
  });

  test('every optional part on: digest, startup probe, own ServiceAccount without token, spread, Ingress, PDB by minAvailable', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await renderChart(helm, ['--values', repoPath(ALL_ON_VALUES)]);
    const spec = podSpec(objects);
    const [container] = spec.containers;
    assert.ok(container);
    assert.match(container.image, /^registry\.example\.com\/backend@sha256:[0-9a-f]{64}$/, 'the digest, not the tag');
    assert.deepEqual(container.startupProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.equal(container.startupProbe?.failureThreshold, 30);

    const account = only(objects, 'ServiceAccount');
    assert.equal(spec.serviceAccountName, account.metadata.name);
    assert.equal(account.automountServiceAccountToken, false);
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(account.metadata.annotations?.['example.com/role'], 'backend');

    const selector = (only(objects, 'Deployment').spec as { selector: { matchLabels: Record<string, string> } })
      .selector.matchLabels;
    const [zone, host] = spec.topologySpreadConstraints ?? [];
    assert.equal(zone?.topologyKey, 'topology.kubernetes.io/zone');
    assert.deepEqual(zone?.labelSelector.matchLabels, selector, "a constraint without selector gets the pod's");
    assert.deepEqual(host?.labelSelector.matchLabels, { 'app.kubernetes.io/name': 'backend' }, 'a given one is kept');

    const ingress = only(objects, 'Ingress').spec as {
      ingressClassName: string;
      rules: Array<{ host: string; http: { paths: Array<{ backend: { service: unknown } }> } }>;
    };
    assert.equal(ingress.ingressClassName, 'nginx');
    assert.equal(ingress.rules[0]?.host, 'backend.example.com');
    assert.deepEqual(ingress.rules[0]?.http.paths[0]?.backend.service, {
      name: only(objects, 'Service').metadata.name,
      port: { name: 'http' },
    });

    assert.deepEqual(only(objects, 'PodDisruptionBudget').spec?.minAvailable, '50%');
    assert.equal(only(objects, 'PodDisruptionBudget').spec?.maxUnavailable, undefined);
  });

  const BUDGETS = [
    { set: [], spec: { maxUnavailable: 1 } },
    { set: ['podDisruptionBudget.maxUnavailable=2'], spec: { maxUnavailable: 2 } },
    { set: ['podDisruptionBudget.maxUnavailable=25%'], spec: { maxUnavailable: '25%' } },
    { set: ['podDisruptionBudget.minAvailable=1'], spec: { minAvailable: 1 } },
  ] as const;
  for (const { set, spec } of BUDGETS) {
    test(`PodDisruptionBudget ${set.join(' ') || 'by default'}: ${JSON.stringify(spec)}`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const objects = await renderChart(helm, ['--set', ['podDisruptionBudget.enabled=true', ...set].join(',')]);
      const budget = only(objects, 'PodDisruptionBudget');
      validate(budget);
      const { selector: _selector, ...rest } = budget.spec as Record<string, unknown>;
      assert.deepEqual(rest, spec);
    });
  }
});
