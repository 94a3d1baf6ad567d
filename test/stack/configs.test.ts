import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from 'fastify-http-telemetry/logger';
import { parse } from 'yaml';
import { STACK_CONTAINER_LABEL } from '../../dashboards/stack.ts';
import { readRepoFile, readRepoYaml } from '../helpers/repo.ts';

/**
 * Loki, Alloy, Tempo and Grafana cannot run on this machine (no container engine): these
 * tests hold their configurations to the stack's contracts instead, and check that every
 * address one component uses is a service and port the others really expose. The compose
 * end-to-end job in GitHub Actions runs them for real.
 */

interface Compose {
  services: Record<
    string,
    { command?: string[]; volumes?: string[]; environment?: Record<string, string>; labels?: Record<string, string> }
  >;
  /** What every service merges in (restart policy, logging, the collect-logs label). */
  'x-service'?: { labels?: Record<string, string> };
}
interface Datasource {
  uid: string;
  type: string;
  url: string;
  jsonData?: Record<string, unknown>;
}

/** As Compose reads it: `<<:` merges the x- extension fields into each service. */
const compose = parse(readRepoFile('compose.yaml'), { merge: true }) as Compose;
const loki = readRepoYaml<Record<string, Record<string, unknown>>>('observability/loki/loki.yaml');
const tempo = readRepoYaml<Record<string, Record<string, unknown>>>('observability/tempo/tempo.yaml');
const alloy = readRepoFile('observability/alloy/config.alloy');
const datasources = readRepoYaml<{ datasources: Datasource[] }>(
  'observability/grafana/provisioning/datasources/datasources.yaml',
).datasources;
const byUid = new Map(datasources.map((ds) => [ds.uid, ds]));

/** The ports each compose service listens on inside the network, from its config or image default. */
const LISTENS: Record<string, number[]> = {
  backend: [8080],
  prometheus: [9090],
  alertmanager: [9093],
  loki: [Number((loki.server as { http_listen_port: number }).http_listen_port)],
  tempo: [Number((tempo.server as { http_listen_port: number }).http_listen_port), 4317, 4318],
  alloy: [12345, 4317, 4318],
  grafana: [3000],
  loadbalancer: [8080, 8404],
};

/** Asserts `url` names a compose service on a port it listens on. */
function assertReachable(url: string, what: string): void {
  const { hostname, port } = new URL(url.includes('://') ? url : `tcp://${url}`);
  assert.ok(compose.services[hostname], `${what}: ${hostname} is a compose service`);
  assert.ok(LISTENS[hostname]?.includes(Number(port)), `${what}: ${hostname} listens on ${port}`);
}

/** The string value of `name = "…"` inside the Alloy block `header { … }`. */
function alloyAttribute(header: string, name: string): string | undefined {
  const start = alloy.indexOf(header);
  assert.notEqual(start, -1, `config.alloy has ${header}`);
  const block = alloy.slice(start, alloy.indexOf('\n}', start));
  return new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(block)?.[1];
}

describe('Loki', () => {
  test('TSDB schema v13 with a 24 h index: what retention needs', () => {
    const [schema] = (loki.schema_config as { configs: Array<Record<string, unknown>> }).configs;
    assert.equal(schema?.store, 'tsdb');
    assert.equal(schema?.schema, 'v13');
    assert.deepEqual((schema?.index as { period?: string } | undefined)?.period, '24h');
  });

  test('7-day retention that the compactor really enforces', () => {
    assert.equal(loki.limits_config?.retention_period, '168h');
    assert.equal(loki.compactor?.retention_enabled, true, 'without it nothing is ever deleted');
    assert.ok(loki.compactor?.delete_request_store, 'Loki 3 refuses retention without a delete request store');
  });

  test('its caches fit under the memory limit compose sets, with room for Loki itself', () => {
    type Embedded = { embedded_cache?: { enabled?: boolean; max_size_mb?: number } };
    const chunks = (loki.chunk_store_config as { chunk_cache_config?: Embedded }).chunk_cache_config;
    const results = (loki.query_range as { results_cache?: { cache?: Embedded } }).results_cache?.cache;
    // Loki copies the results cache's configuration to the index stats, volume, series, label and
    // instant-metric caches (applyEmbeddedCacheConfig), so it counts six times.
    const RESULTS_CACHE_COPIES = 6;
    const cachesMb =
      Number(chunks?.embedded_cache?.max_size_mb) + RESULTS_CACHE_COPIES * Number(results?.embedded_cache?.max_size_mb);
    const limitMb = Number.parseInt(String((compose.services.loki as { mem_limit?: string }).mem_limit), 10);
    assert.ok(cachesMb > 0, 'both caches sized');
    assert.ok(cachesMb <= limitMb / 2, `${cachesMb} MB of caches leave at least half of ${limitMb} MB to Loki`);
  });
});

describe('Tempo', () => {
  test('OTLP receivers listen on every interface, gRPC where Alloy sends', () => {
    const otlp = (tempo.distributor as { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } })
      .receivers.otlp.protocols;
    assert.equal(otlp.grpc?.endpoint, '0.0.0.0:4317');
    assert.equal(otlp.http?.endpoint, '0.0.0.0:4318');
    const exporter = alloyAttribute('otelcol.exporter.otlp "tempo"', 'endpoint') ?? '';
    assert.equal(new URL(`tcp://${exporter}`).port, new URL(`tcp://${otlp.grpc?.endpoint}`).port, 'Alloy → Tempo gRPC');
    assertReachable(exporter, 'Alloy → Tempo');
  });

  test('short demo retention and generated metrics sent to Prometheus with exemplars', () => {
    const overrides = (tempo.overrides as { defaults: Record<string, Record<string, unknown>> }).defaults;
    assert.match(String(overrides.compaction?.block_retention), /^\d+h$/);
    assert.deepEqual(overrides.metrics_generator?.processors, ['service-graphs', 'span-metrics']);
    assert.equal(overrides.metrics_generator?.trace_id_label_name, 'trace_id', 'the label Grafana links on');
    const [remoteWrite] = (tempo.metrics_generator as { storage: { remote_write: Array<Record<string, unknown>> } })
      .storage.remote_write;
    assert.equal(remoteWrite?.send_exemplars, true);
    assertReachable(String(remoteWrite?.url), 'Tempo → Prometheus');
  });
});

describe('Alloy', () => {
  test('listens beyond its own loopback, so Prometheus and the host reach it', () => {
    assert.ok(compose.services.alloy?.command?.includes('--server.http.listen-addr=0.0.0.0:12345'));
  });

  test('collects the logs of the labelled containers, labelled by compose service', () => {
    const labels = Object.values(compose.services).map(({ labels = {} }) =>
      Object.entries(labels)
        .map(([name, value]) => `${name}=${value}`)
        .join(),
    );
    const filter = /values\s*=\s*\["([^"]+)"\]/.exec(alloy)?.[1] ?? '';
    assert.ok(labels.length > 0 && labels.every((label) => label.includes(filter)), `every service has ${filter}`);
    assertReachable(alloyAttribute('loki.write "loki"', 'url') ?? '', 'Alloy → Loki');
  });

  test("the level stage finds HAProxy's bracketed level in a line it writes; the template yields one vocabulary", () => {
    const pipeline = alloy.slice(alloy.indexOf('loki.process "levels"'));
    // The normalising template names each level the dashboards and the e2e test query.
    const template = /template\s*=\s*`([^`]*)`/.exec(pipeline)?.[1] ?? '';
    for (const level of ['error', 'warn', 'info', 'debug', 'unknown']) {
      assert.match(template, new RegExp(`-\\}\\}${level}\\b`), `the template yields ${level}`);
    }
    // HAProxy's regex, checked on the kind of line it writes (the same RE2 subset in JavaScript).
    const expression = /expression\s*=\s*`([^`]*)`/.exec(pipeline)?.[1] ?? '';
    const haproxyLine = '[WARNING]  (8) : Server replicas/backend2 is DOWN';
    assert.equal(new RegExp(expression.replace('(?P<', '(?<')).exec(haproxyLine)?.groups?.level, 'WARNING');
    assert.doesNotMatch(alloy, /trace_id\s*=\s*""/, 'trace_id stays in the line, never a label');
  });

  test('receives OTLP where the service sends it', () => {
    assert.equal(alloyAttribute('otelcol.receiver.otlp "default"', 'endpoint'), '0.0.0.0:4317');
    assert.match(alloy, /http\s*\{\s*endpoint\s*=\s*"0\.0\.0\.0:4318"/);
    assertReachable(compose.services.backend?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '', 'service → Alloy');
  });

  test('container metrics reach Prometheus; no host metrics it could not measure', () => {
    assert.doesNotMatch(alloy, /prometheus\.exporter\.unix/, 'a node exporter in a container reports the container');
    const remoteWrite = alloyAttribute('prometheus.remote_write "prometheus"', 'url');
    assertReachable(remoteWrite ?? '', 'Alloy → Prometheus');
  });

  test("the container metrics are told apart by compose's collect-logs label, as the logs are", () => {
    const cadvisor = alloy.slice(alloy.indexOf('prometheus.exporter.cadvisor "containers"'));
    const allowlist = /allowlisted_container_labels\s*=\s*\[([^\]]*)\]/.exec(cadvisor)?.[1] ?? '';
    const allowlisted = [...allowlist.matchAll(/"([^"]+)"/g)].map(([, label]) => label);
    const [stackLabel] = Object.keys(compose['x-service']?.labels ?? {});
    assert.ok(stackLabel, 'compose.yaml labels every service');
    assert.ok(allowlisted.includes(stackLabel), `${stackLabel} becomes a Prometheus label`);
    assert.ok(alloy.includes(`values = ["${stackLabel}=true"]`), 'log discovery filters on the same label');
    // cAdvisor's name for it: container_label_ and the label, each character Prometheus refuses as "_".
    assert.equal(`container_label_${stackLabel.replace(/[^a-zA-Z0-9_]/g, '_')}`, STACK_CONTAINER_LABEL);
  });

  test("cAdvisor's sockets are mounted where it dials them", () => {
    const mounts = compose.services.alloy?.volumes ?? [];
    const docker = alloyAttribute('prometheus.exporter.cadvisor "containers"', 'docker_host')?.replace('unix://', '');
    // containerd_host is left at Alloy's default, /run/containerd/containerd.sock.
    assert.equal(alloyAttribute('prometheus.exporter.cadvisor "containers"', 'containerd_host'), undefined);
    for (const socket of [docker, '/run/containerd/containerd.sock']) {
      assert.ok(mounts.includes(`${socket}:${socket}:ro`), `${socket} mounted read-only at the same path`);
    }
  });
});

describe('Grafana', () => {
  test('datasources have the fixed UIDs the dashboards use, pointing at the stack', () => {
    assert.deepEqual([...byUid.keys()].sort(), ['alertmanager', 'loki', 'prometheus', 'tempo']);
    for (const ds of datasources) assertReachable(ds.url, `datasource ${ds.uid}`);
  });

  test('metrics → traces: exemplars with trace_id open Tempo', () => {
    const destinations = byUid.get('prometheus')?.jsonData?.exemplarTraceIdDestinations as Array<
      Record<string, string>
    >;
    assert.deepEqual(
      destinations.map((d) => [d.name, d.datasourceUid]),
      [['trace_id', 'tempo']],
    );
  });

  test("logs → traces: the derived field finds the trace id in the service's own log line", () => {
    const [field] = (byUid.get('loki')?.jsonData?.derivedFields ?? []) as Array<Record<string, string>>;
    assert.equal(field?.datasourceUid, 'tempo');
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      service: 'backend',
      destination: { write: (l) => void lines.push(l) },
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    logger.info({ trace_id: traceId, span_id: '00f067aa0ba902b7' }, 'request completed');
    const match = new RegExp(String(field?.matcherRegex)).exec(lines[0] ?? '');
    assert.equal(match?.[1], traceId);
  });

  test('traces → logs: Tempo filters Loki by the label Alloy sets and by trace id', () => {
    const toLogs = byUid.get('tempo')?.jsonData?.tracesToLogsV2 as {
      datasourceUid: string;
      tags: Array<{ key: string; value: string }>;
      filterByTraceID: boolean;
    };
    assert.equal(toLogs.datasourceUid, 'loki');
    assert.deepEqual(toLogs.tags, [{ key: 'service.name', value: 'service_name' }]);
    assert.equal(toLogs.filterByTraceID, true);
    assert.equal(
      (byUid.get('tempo')?.jsonData?.serviceMap as { datasourceUid?: string } | undefined)?.datasourceUid,
      'prometheus',
    );
  });

  test('dashboards are loaded from the folder compose mounts', () => {
    const provider = readRepoYaml<{ providers: Array<{ options: { path: string } }> }>(
      'observability/grafana/provisioning/dashboards/dashboards.yaml',
    ).providers[0];
    const mounts = compose.services.grafana?.volumes ?? [];
    assert.ok(mounts.includes(`./observability/grafana/dashboards:${provider?.options.path}:ro`));
  });
});

describe('Prometheus', () => {
  test('every scrape and alerting target is a compose service on a port it listens on', () => {
    const config = readRepoYaml<{
      scrape_configs: Array<{
        job_name: string;
        static_configs?: Array<{ targets: string[] }>;
        dns_sd_configs?: Array<{ names: string[]; port: number }>;
      }>;
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    }>('observability/prometheus/prometheus.yml');
    for (const job of config.scrape_configs) {
      const targets = [
        ...(job.static_configs ?? []).flatMap((c) => c.targets),
        ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((name) => `${name}:${c.port}`)),
      ];
      assert.ok(targets.length > 0, `job ${job.job_name} has targets`);
      for (const target of targets) {
        if (target.startsWith('localhost:')) continue; // Prometheus scraping itself
        assertReachable(target, `job ${job.job_name}`);
      }
    }
    for (const target of config.alerting.alertmanagers.flatMap((am) => am.static_configs.flatMap((c) => c.targets))) {
      assertReachable(target, 'alerting');
    }
  });
});
