/**
 * Writes deploy/values/generated/: the parts of the community charts' values that must equal
 * the compose configuration, derived from observability/ so they are never hand copies.
 *   node deploy/values/generate.ts          (re)writes the files
 * test/deploy/community-values.test.ts fails when a committed file differs from what this
 * derives, as the dashboards' JSON is checked against dashboards/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const read = (relative: string): string => readFileSync(root(relative), 'utf8');

export const GENERATED_DIR = 'deploy/values/generated';
export const COMPOSE_ALLOY = 'observability/alloy/config.alloy';
export const KUBERNETES_ALLOY = 'deploy/alloy/kubernetes.alloy';
export const COMPOSE_LOKI = 'observability/loki/loki.yaml';
export const COMPOSE_DATASOURCES = 'observability/grafana/provisioning/datasources/datasources.yaml';

/**
 * The blocks of config.alloy that do not depend on Docker: the level of every line and the Loki writer for
 * logs, and the whole OTLP trace pipeline. Their hostnames (loki, tempo) resolve in Kubernetes
 * too, because the charts are installed as Services of those names in Alloy's namespace.
 */
export const SHARED_ALLOY_BLOCKS = [
  'loki.process "levels"',
  'loki.write "loki"',
  'otelcol.receiver.otlp "default"',
  'otelcol.processor.batch "default"',
  'otelcol.exporter.otlp "tempo"',
] as const;

/** Loki sections taken as they are; server, common and storage are the chart's business. */
export const SHARED_LOKI_SECTIONS = [
  'auth_enabled',
  'schema_config',
  'limits_config',
  'compactor',
  'analytics',
] as const;
/** compose mounts Loki's data at /loki; the chart's volume is /var/loki. */
const LOKI_DATA = { compose: '/loki/', kubernetes: '/var/loki/' } as const;

/** The datasources kube-prometheus-stack does not create itself (it makes Prometheus and Alertmanager). */
export const SHARED_DATASOURCE_UIDS = ['loki', 'tempo'] as const;

/** One top-level Alloy block with the comment lines directly above it, by its header (`kind "label"`). */
export function alloyBlock(source: string, header: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${header} {`));
  if (start === -1) throw new Error(`no top-level block ${header} in the Alloy configuration`);
  let first = start;
  while (first > 0 && lines[first - 1]?.startsWith('//')) first -= 1;
  let depth = 0;
  for (let index = start; index < lines.length; index += 1) {
    // Braces inside strings or comments would miscount; config.alloy has none, and a block
    // that never closes is reported rather than guessed.
    const code = (lines[index] ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, '');
    for (const char of code) {
      if (char === '{') depth += 1;
      if (char === '}') depth -= 1;
    }
    if (depth === 0) return lines.slice(first, index + 1).join('\n');
  }
  throw new Error(`block ${header} does not close`);
}

/**
 * The alloy chart (1.11.1) passes alloy.configMap.content through Helm's tpl
 * (templates/configmap.yaml, and controllers/_pod.yaml for its checksum), so Helm reads every "{{"
 * in the configuration as its own template action: stage.template's Go template fails the install
 * (function "ToLower" not defined), and an action Helm did know would change the config silently.
 * Each "{{" is written as {{ "{{" }}, an action that prints "{{": tpl gives back the configuration
 * byte for byte (test/deploy/tpl-rendering.test.ts renders it with helm to prove it).
 * Escaping rather than configMap.create: false with a ConfigMap of our own: one helm release keeps
 * owning the configuration (upgrade, rollback and uninstall include it), the install stays one
 * command, and the chart's own ConfigMap is what its config reloader watches. The price: the
 * values file is not literally Alloy syntax; it is generated, and never edited by hand.
 */
export function escapeForHelmTpl(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

export function alloyConfig(): string {
  const compose = read(COMPOSE_ALLOY);
  const shared = SHARED_ALLOY_BLOCKS.map((header) => alloyBlock(compose, header)).join('\n\n');
  return `${read(KUBERNETES_ALLOY).trimEnd()}\n\n// --- From ${COMPOSE_ALLOY} ---\n\n${shared}\n`;
}

function rewritePaths(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(LOKI_DATA.compose, LOKI_DATA.kubernetes);
  if (Array.isArray(value)) return value.map(rewritePaths);
  if (value instanceof Date) return value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewritePaths(inner)]));
  }
  return value;
}

export function lokiStructuredConfig(): Record<string, unknown> {
  // Dates stay strings (schema_config's "from"), as Loki reads them.
  const compose = parse(read(COMPOSE_LOKI), { schema: 'core' }) as Record<string, unknown>;
  return Object.fromEntries(SHARED_LOKI_SECTIONS.map((section) => [section, rewritePaths(compose[section])]));
}

interface Datasource {
  uid: string;
  jsonData?: Record<string, unknown>;
  [key: string]: unknown;
}

export function composeDatasources(): Datasource[] {
  return (parse(read(COMPOSE_DATASOURCES)) as { datasources: Datasource[] }).datasources;
}

export function grafanaDatasources(): Record<string, unknown> {
  const all = composeDatasources();
  const byUid = (uid: string): Datasource => {
    const found = all.find((datasource) => datasource.uid === uid);
    if (found === undefined) throw new Error(`no datasource with uid ${uid} in ${COMPOSE_DATASOURCES}`);
    return found;
  };
  const prometheus = byUid('prometheus');
  const alertmanager = byUid('alertmanager');
  const [exemplars] = (prometheus.jsonData?.exemplarTraceIdDestinations ?? []) as Array<Record<string, string>>;
  if (exemplars === undefined) throw new Error('the Prometheus datasource has no exemplar destination');
  return {
    grafana: {
      sidecar: {
        datasources: {
          // kube-prometheus-stack's own Prometheus and Alertmanager datasources, with compose's UIDs.
          uid: prometheus.uid,
          httpMethod: prometheus.jsonData?.httpMethod,
          exemplarTraceIdDestinations: {
            datasourceUid: exemplars.datasourceUid,
            traceIdLabelName: exemplars.name,
            urlDisplayLabel: exemplars.urlDisplayLabel,
          },
          alertmanager: {
            uid: alertmanager.uid,
            implementation: alertmanager.jsonData?.implementation,
            handleGrafanaManagedAlerts: alertmanager.jsonData?.handleGrafanaManagedAlerts,
          },
        },
      },
      additionalDataSources: SHARED_DATASOURCE_UIDS.map(byUid),
    },
  };
}

const HEADER = (source: string) =>
  `# Generated by deploy/values/generate.ts from ${source}: do not edit, run the script.\n`;

export function generatedFiles(): Record<string, string> {
  return {
    'alloy-config.yaml':
      HEADER(`${COMPOSE_ALLOY} and ${KUBERNETES_ALLOY}`) +
      '# The chart runs content through Helm\'s tpl: every "{{" is escaped as {{ "{{" }} (generate.ts says why).\n' +
      stringify({ alloy: { configMap: { create: true, content: escapeForHelmTpl(alloyConfig()) } } }, { lineWidth: 0 }),
    'loki-config.yaml': HEADER(COMPOSE_LOKI) + stringify({ loki: { structuredConfig: lokiStructuredConfig() } }),
    'kube-prometheus-stack-datasources.yaml': HEADER(COMPOSE_DATASOURCES) + stringify(grafanaDatasources()),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(generatedFiles())) {
    writeFileSync(root(`${GENERATED_DIR}/${name}`), text);
    console.log(`wrote ${GENERATED_DIR}/${name}`);
  }
}
