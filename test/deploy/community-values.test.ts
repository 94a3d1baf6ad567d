import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse, parseDocument } from 'yaml';
import {
  alloyBlock,
  alloyConfig,
  COMPOSE_ALLOY,
  COMPOSE_LOKI,
  composeDatasources,
  escapeForHelmTpl,
  GENERATED_DIR,
  generatedFiles,
  SHARED_ALLOY_BLOCKS,
  SHARED_DATASOURCE_UIDS,
  SHARED_LOKI_SECTIONS,
} from '../../deploy/values/generate.ts';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';

type Values = Record<string, unknown>;

/**
 * Each values file, with the recorded key list of the chart (and version) it is for:
 * fixtures/chart-keys/*.json hold every key path of that chart's values.yaml at the tag named
 * inside (recorded by fixtures/chart-keys/record.ts from the charts' repositories).
 */
const VALUES_FILES = [
  { file: 'deploy/values/kube-prometheus-stack.yaml', chart: 'kube-prometheus-stack-88.5.3' },
  { file: `${GENERATED_DIR}/kube-prometheus-stack-datasources.yaml`, chart: 'kube-prometheus-stack-88.5.3' },
  { file: 'deploy/values/loki.yaml', chart: 'loki-18.11.0' },
  { file: `${GENERATED_DIR}/loki-config.yaml`, chart: 'loki-18.11.0' },
  { file: 'deploy/values/alloy.yaml', chart: 'alloy-1.11.1' },
  { file: `${GENERATED_DIR}/alloy-config.yaml`, chart: 'alloy-1.11.1' },
] as const;

/**
 * Values that are free-form in the chart (passed through as a whole), so the keys below them
 * are the carried configuration's (checked against observability/ by the tests further down),
 * Grafana's ini sections, or, for exemplarTraceIdDestinations, an empty map in values.yaml
 * whose three keys kube-prometheus-stack's templates/grafana/configmaps-datasources.yaml reads.
 */
const FREE_FORM = [
  'loki.structuredConfig',
  'grafana.grafana.ini',
  'grafana.additionalDataSources',
  'grafana.sidecar.datasources.exemplarTraceIdDestinations',
  // An empty map in values.yaml, passed whole into the Prometheus and Alertmanager objects'
  // spec.storage (tpl-rendering.test.ts renders them and checks them against the operator's schema).
  'prometheus.prometheusSpec.storageSpec',
  'alertmanager.alertmanagerSpec.storage',
];

function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(inner, path)];
  });
}

function chartKeys(chart: string): Set<string> {
  const fixture = JSON.parse(readFileSync(repoPath(`test/deploy/fixtures/chart-keys/${chart}.json`), 'utf8')) as {
    keys: string[];
  };
  return new Set(fixture.keys);
}

const values = (file: string): Values => readRepoYaml<Values>(file);
const dig = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((inner, key) => (inner as Record<string, unknown> | undefined)?.[key], object);

describe('values for the community charts', () => {
  for (const { file, chart } of VALUES_FILES) {
    test(`${file} parses and names only keys that ${chart} has`, () => {
      const document = parseDocument(readRepoFile(file), { uniqueKeys: true });
      assert.deepEqual(document.errors, []);
      const known = chartKeys(chart);
      const unknown = keyPaths(document.toJS()).filter(
        (path) => !known.has(path) && !FREE_FORM.some((free) => path.startsWith(`${free}.`)),
      );
      assert.deepEqual(unknown, [], `keys ${chart} does not have`);
    });
  }

  test('the key check can fail: a misspelt key is not in the recorded list', () => {
    const known = chartKeys('kube-prometheus-stack-88.5.3');
    assert.ok(known.has('prometheus.prometheusSpec.enableRemoteWriteReceiver'));
    assert.ok(!known.has('prometheus.prometheusSpec.enableRemoteWriteReciever'));
  });

  test('the generated files are what deploy/values/generate.ts derives from observability/ now', () => {
    for (const [name, text] of Object.entries(generatedFiles())) {
      assert.equal(
        readRepoFile(`${GENERATED_DIR}/${name}`),
        text,
        `${name} is stale: run node deploy/values/generate.ts`,
      );
    }
  });

  test('kube-prometheus-stack: exemplar storage, the remote-write receiver and open rule and monitor selectors', () => {
    const spec = dig(values('deploy/values/kube-prometheus-stack.yaml'), 'prometheus.prometheusSpec') as Values;
    assert.ok((spec.enableFeatures as string[]).includes('exemplar-storage'));
    assert.equal(spec.enableRemoteWriteReceiver, true);
    assert.equal(spec.serviceMonitorSelectorNilUsesHelmValues, false);
    assert.equal(spec.ruleSelectorNilUsesHelmValues, false);
    assert.equal(spec.retention, '15d', 'compose keeps 15 days');
  });

  test('Grafana gets the datasources of compose, with the same UIDs and links', () => {
    const grafana = dig(values(`${GENERATED_DIR}/kube-prometheus-stack-datasources.yaml`), 'grafana') as Values;
    const compose = composeDatasources();
    assert.deepEqual(
      grafana.additionalDataSources,
      compose.filter((datasource) => (SHARED_DATASOURCE_UIDS as readonly string[]).includes(datasource.uid)),
    );
    const sidecar = dig(grafana, 'sidecar.datasources') as Values;
    const uids = [sidecar.uid, dig(sidecar, 'alertmanager.uid'), ...SHARED_DATASOURCE_UIDS].sort();
    assert.deepEqual(uids, compose.map((datasource) => datasource.uid).sort(), 'every compose datasource, by UID');
    assert.deepEqual(sidecar.exemplarTraceIdDestinations, {
      datasourceUid: 'tempo',
      traceIdLabelName: 'trace_id',
      urlDisplayLabel: 'View trace',
    });
  });

  test('Loki: monolithic, with the retention, compactor, schema and limits of observability/loki/loki.yaml', () => {
    const chart = values('deploy/values/loki.yaml');
    assert.equal(chart.deploymentMode, 'Monolithic', 'SimpleScalable is deprecated');
    const structured = dig(values(`${GENERATED_DIR}/loki-config.yaml`), 'loki.structuredConfig') as Values;
    const compose = parse(readRepoFile(COMPOSE_LOKI), { schema: 'core' }) as Values;
    assert.deepEqual(Object.keys(structured), [...SHARED_LOKI_SECTIONS]);
    for (const section of SHARED_LOKI_SECTIONS) {
      assert.deepEqual(
        JSON.parse(JSON.stringify(structured[section]).replaceAll('/var/loki/', '/loki/')),
        JSON.parse(JSON.stringify(compose[section])),
        `${section} is compose's, paths moved to the chart's /var/loki volume`,
      );
    }
    assert.equal(dig(structured, 'limits_config.retention_period'), '168h');
    assert.equal(dig(structured, 'compactor.retention_enabled'), true, 'the compactor enforces the retention');
  });

  test("Alloy: the values carry the configuration escaped for the chart's tpl, and nothing else changed", () => {
    const content = dig(values(`${GENERATED_DIR}/alloy-config.yaml`), 'alloy.configMap.content') as string;
    assert.equal(content, escapeForHelmTpl(alloyConfig()));
    assert.doesNotMatch(content.replaceAll('{{ "{{" }}', ''), /\{\{/, 'no "{{" left for Helm to read');
    assert.equal(escapeForHelmTpl('a {{- b }} {{c}}'), 'a {{ "{{" }}- b }} {{ "{{" }}c}}');
  });

  test("Alloy: Kubernetes log discovery plus config.alloy's shared blocks, byte for byte", () => {
    const content = alloyConfig();
    const compose = readRepoFile(COMPOSE_ALLOY);
    for (const header of SHARED_ALLOY_BLOCKS) {
      assert.ok(content.includes(alloyBlock(compose, header)), `${header} as in config.alloy`);
    }
    assert.match(content, /^discovery\.kubernetes "pods" \{\n {2}role = "pod"/m);
    assert.match(content, /^loki\.source\.kubernetes "pods" \{/m);
    assert.match(
      content,
      /forward_to = \[loki\.process\.levels\.receiver\]/,
      'pod logs go through the shared level stages',
    );
    assert.match(
      content,
      /__meta_kubernetes_pod_label_app_kubernetes_io_name"\]\n\s+regex\s+= "\(\.\+\)"\n\s+target_label\s+= "service_name"/,
    );
    assert.doesNotMatch(content, /docker/i, 'nothing of the Docker-only half');
  });

  test('Alloy and its images: no usage reporting, as compose runs it; the same image tags as compose', () => {
    const compose = readRepoYaml<{ services: Record<string, { image: string; command?: string[] }> }>('compose.yaml');
    assert.ok(compose.services.alloy?.command?.includes('--disable-reporting'));
    assert.equal(dig(values('deploy/values/alloy.yaml'), 'alloy.enableReporting'), false);
    const tag = (service: string) => compose.services[service]?.image.split(':')[1] ?? '';
    const kps = values('deploy/values/kube-prometheus-stack.yaml');
    assert.equal(dig(values('deploy/values/alloy.yaml'), 'image.tag'), tag('alloy'));
    assert.equal(dig(values('deploy/values/loki.yaml'), 'loki.image.tag'), tag('loki'));
    assert.equal(dig(kps, 'grafana.image.tag'), tag('grafana'));
    assert.equal(dig(kps, 'alertmanager.alertmanagerSpec.image.tag'), tag('alertmanager'));
    // compose's -busybox variant exists for its wget healthcheck; the release is the same.
    assert.equal(dig(kps, 'prometheus.prometheusSpec.image.tag'), tag('prometheus').replace(/-busybox$/, ''));
  });

  test('the block extractor refuses what it cannot find', () => {
    assert.throws(() => alloyBlock('loki.write "x" {\n}\n', 'loki.write "loki"'), /no top-level block/);
    assert.throws(() => alloyBlock('loki.write "loki" {\n  x = 1\n', 'loki.write "loki"'), /does not close/);
  });
});
