/**
 * The community charts do more than copy our values: they pass some through Helm's `tpl` (and
 * toYaml, indent, join, quote) first. The test charts in fixtures/tpl-charts/ apply the same
 * mechanism, with the same context, as the charts at the pinned versions (each template names the
 * upstream file and line); here they are rendered with the real helm and what comes out is compared
 * with the configuration we mean: compose's, or deploy/values/generate.ts's.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Alertmanager, Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { parse, stringify } from 'yaml';
import {
  alloyConfig,
  COMPOSE_DATASOURCES,
  composeDatasources,
  GENERATED_DIR,
  lokiStructuredConfig,
  SHARED_DATASOURCE_UIDS,
} from '../../deploy/values/generate.ts';
import { run, scratchDir } from '../helpers/processes.ts';
import { readRepoYaml, repoPath } from '../helpers/repo.ts';
import { helmErrors, type K8sObject, KUBE_VERSION, manifestObjects, requireHelm } from './chart.ts';

const TPL_CHARTS = 'test/deploy/fixtures/tpl-charts';

const dig = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((inner, key) => (inner as Record<string, unknown> | undefined)?.[key], object);

/** Each community chart's values files, as docs/kubernetes.md passes them, and its release name. */
const CHARTS = {
  alloy: { release: 'alloy', values: ['deploy/values/alloy.yaml', `${GENERATED_DIR}/alloy-config.yaml`] },
  loki: { release: 'loki', values: ['deploy/values/loki.yaml', `${GENERATED_DIR}/loki-config.yaml`] },
  'kube-prometheus-stack': {
    release: 'kube-prometheus-stack',
    values: ['deploy/values/kube-prometheus-stack.yaml', `${GENERATED_DIR}/kube-prometheus-stack-datasources.yaml`],
  },
} as const;
type ChartName = keyof typeof CHARTS;

async function renderTpl(helm: string, chart: ChartName, values: readonly string[] = CHARTS[chart].values) {
  return run(helm, [
    'template',
    CHARTS[chart].release,
    repoPath(`${TPL_CHARTS}/${chart}`),
    '--namespace',
    'monitoring',
    '--kube-version',
    KUBE_VERSION,
    ...values.flatMap((file) => ['--values', file.startsWith('/') ? file : repoPath(file)]),
  ]);
}

async function rendered(helm: string, chart: ChartName): Promise<K8sObject[]> {
  const result = await renderTpl(helm, chart);
  assert.equal(result.code, 0, `helm template ${chart}:\n${result.output}`);
  assert.equal(helmErrors(result.stderr), '');
  return manifestObjects(result.stdout);
}

function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `no ${kind} ${name} rendered`);
  return found;
}

function configMapData(objects: K8sObject[], name: string, key: string): string {
  const configMap = named(objects, 'ConfigMap', name);
  new ConfigMap(configMap as never).validate();
  const value = configMap.data?.[key];
  assert.equal(typeof value, 'string', `ConfigMap ${name} has no ${key}`);
  return value as string;
}

/** grafana.ini as the chart writes it: "[section]" lines, then "key = value" lines. */
function parseIni(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  let section = '';
  for (const line of text.split('\n').map((raw) => raw.trim())) {
    if (line === '') continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const setting = /^(\S+) =(?: (.*))?$/.exec(line);
    assert.ok(setting, `not an ini line: ${line}`);
    settings.set(`${section}.${setting[1]}`, setting[2] ?? '');
  }
  return settings;
}

/** Grafana reads GF_<SECTION>_<KEY> as [section] key, with "." and "-" written "_". */
const grafanaEnvName = (setting: string): string => `GF_${setting.replace(/[.-]/g, '_').toUpperCase()}`;

/** compose's Grafana settings; the admin login is the chart's own (a generated Secret). */
function composeGrafanaSettings(): Map<string, string> {
  const compose = readRepoYaml<{ services: { grafana: { environment: Record<string, string> } } }>('compose.yaml');
  return new Map(
    Object.entries(compose.services.grafana.environment).filter(([name]) => !name.startsWith('GF_SECURITY_ADMIN_')),
  );
}

/**
 * An operator object's schema check, with spec.storage's claim checked as a PersistentVolumeClaim:
 * @kubernetes-models/prometheus-operator 6.0.0 wrongly requires the embedded claim to carry
 * apiVersion monitoring.coreos.com/v1 and kind EmbeddedPersistentVolumeClaim, which the CRD does not.
 */
function validateWithStorage(object: K8sObject, model: (object: K8sObject) => void): void {
  const { storage, ...spec } = object.spec as { storage: { volumeClaimTemplate: { spec: unknown } } };
  model({ ...object, spec });
  new PersistentVolumeClaim({
    metadata: { name: 'storage' },
    spec: storage.volumeClaimTemplate.spec,
  } as never).validate();
}

/** Prometheus' and Kubernetes' byte sizes ("18GiB", "20Gi"), in bytes. */
function bytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGTPE]?)(i?)B?$/.exec(size);
  assert.ok(match, `not a size: ${size}`);
  const power = 'KMGTPE'.indexOf(match[2] as string) + 1;
  return Number(match[1]) * (match[3] === 'i' ? 1024 : 1000) ** power;
}

describe("the community charts' tpl, applied to our values (fixtures/tpl-charts)", () => {
  test('alloy: the ConfigMap holds the generated Alloy configuration byte for byte', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const config = configMapData(await rendered(helm, 'alloy'), 'alloy', 'config.alloy');
    // The chart writes a "|-" block: the value loses the file's final newline, nothing else.
    assert.equal(`${config}\n`, alloyConfig());
    assert.match(config, /template = `\{\{- \$l := "" -\}\}\{\{- with \.Value -\}\}\{\{- \$l = ToLower \. -\}\}/);
  });

  test('alloy: unescaped, the configuration fails as issue 19 found (the test chart has the mechanism)', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const raw = join(scratchDir(t, 'alloy-raw-'), 'alloy-config.yaml');
    writeFileSync(raw, stringify({ alloy: { configMap: { create: true, content: alloyConfig() } } }));
    const result = await renderTpl(helm, 'alloy', ['deploy/values/alloy.yaml', raw]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /function "ToLower" not defined/);
  });

  test("loki: structuredConfig through toYaml and tpl is observability/loki/loki.yaml's sections", async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const config = configMapData(await rendered(helm, 'loki'), 'loki', 'config.yaml');
    assert.deepEqual(parse(config, { schema: 'core' }), lokiStructuredConfig());
  });

  test("kube-prometheus-stack: Grafana's datasources are compose's, UIDs, links and all", async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await rendered(helm, 'kube-prometheus-stack');
    const file = parse(configMapData(objects, 'kps-grafana-datasource', 'datasource.yaml')) as {
      datasources: Array<{ uid: string; type: string; jsonData: Record<string, unknown> }>;
    };
    const compose = composeDatasources();
    const byUid = (uid: string) => compose.find((datasource) => datasource.uid === uid);
    const [prometheus, alertmanager, ...additional] = file.datasources;
    assert.deepEqual(
      additional,
      SHARED_DATASOURCE_UIDS.map(byUid),
      `Loki and Tempo as in ${COMPOSE_DATASOURCES}, after tpl`,
    );
    assert.equal(prometheus?.uid, 'prometheus');
    assert.deepEqual(prometheus?.jsonData, {
      httpMethod: byUid('prometheus')?.jsonData?.httpMethod,
      exemplarTraceIdDestinations: byUid('prometheus')?.jsonData?.exemplarTraceIdDestinations,
    });
    assert.equal(alertmanager?.uid, 'alertmanager');
    const composeAlertmanager = byUid('alertmanager')?.jsonData ?? {};
    for (const [key, value] of Object.entries(alertmanager?.jsonData ?? {})) {
      assert.deepEqual(value, composeAlertmanager[key], `alertmanager jsonData.${key}`);
    }
  });

  test("kube-prometheus-stack: Grafana's grafana.ini has compose's settings, no more, no less", async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const ini = parseIni(configMapData(await rendered(helm, 'kube-prometheus-stack'), 'grafana', 'grafana.ini'));
    const compose = composeGrafanaSettings();
    assert.deepEqual(
      new Map([...ini].map(([setting, value]) => [grafanaEnvName(setting), value])),
      compose,
      "grafana.ini's settings, as GF_ variables, equal compose.yaml's",
    );
    // The ones the issue names: nothing fetched from grafana.com at start-up.
    assert.equal(ini.get('plugins.preinstall_disabled'), 'true');
    assert.equal(ini.get('analytics.check_for_updates'), 'false');
    assert.equal(ini.get('analytics.check_for_plugin_updates'), 'false');
  });

  test("kube-prometheus-stack: the dashboards sidecar's namespace and folder annotation survive tpl", async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await rendered(helm, 'kube-prometheus-stack');
    assert.equal(configMapData(objects, 'grafana', 'NAMESPACE'), 'ALL');
    assert.equal(configMapData(objects, 'grafana', 'FOLDER_ANNOTATION'), 'grafana_folder');
    assert.deepEqual(parse(configMapData(objects, 'grafana', 'provider.yaml')), { foldersFromFilesStructure: true });
  });

  test('kube-prometheus-stack: Prometheus keeps 15 days on a volume, capped below its size; Alertmanager has one', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const objects = await rendered(helm, 'kube-prometheus-stack');
    const values = readRepoYaml<Record<string, Record<string, Record<string, unknown>>>>(
      'deploy/values/kube-prometheus-stack.yaml',
    );
    const prometheus = named(objects, 'Prometheus', 'kps-prometheus');
    validateWithStorage(prometheus, (o) => new Prometheus(o as never).validate());
    const spec = prometheus.spec as {
      retention: string;
      retentionSize: string;
      enableFeatures: string[];
      storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: string } } } } };
    };
    assert.equal(spec.retention, '15d', 'compose keeps 15 days');
    assert.deepEqual(spec.enableFeatures, ['exemplar-storage']);
    assert.deepEqual(spec.storage, values.prometheus?.prometheusSpec?.storageSpec, 'storageSpec unchanged by tpl');
    const volume = bytes(spec.storage.volumeClaimTemplate.spec.resources.requests.storage);
    assert.ok(bytes(spec.retentionSize) < volume, `retentionSize ${spec.retentionSize} leaves room on the volume`);

    const alertmanager = named(objects, 'Alertmanager', 'kps-alertmanager');
    validateWithStorage(alertmanager, (o) => new Alertmanager(o as never).validate());
    assert.deepEqual(alertmanager.spec?.storage, values.alertmanager?.alertmanagerSpec?.storage);
    assert.ok(dig(alertmanager, 'spec.storage.volumeClaimTemplate.spec'), 'a persistent volume');
  });

  test('the size check can fail: units are read, not compared as text', () => {
    assert.equal(bytes('18GiB'), 18 * 1024 ** 3);
    assert.equal(bytes('20Gi'), 20 * 1024 ** 3);
    assert.ok(bytes('21GB') > bytes('19Gi'));
    assert.ok(bytes('2Ti') > bytes('20Gi'));
  });
});
