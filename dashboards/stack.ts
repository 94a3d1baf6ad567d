import { buildDashboard } from './shared/dashboard.ts';
import { stat, timeSeries, WIDTH } from './shared/panels.ts';
import { promql } from './shared/queries.ts';
import { UNITS } from './shared/units.ts';

/**
 * Container metrics come from Alloy's embedded cAdvisor, remote-written to Prometheus
 * (observability/alloy/config.alloy). cAdvisor reports every Docker container on the host; this
 * stack's carry compose.yaml's observability-demo.collect-logs label, which cAdvisor exposes
 * (allowlisted) with its name sanitised for Prometheus.
 */
export const STACK_CONTAINER_LABEL = 'container_label_observability_demo_collect_logs';
const CONTAINERS = `${STACK_CONTAINER_LABEL}="true"`;
/** The container's name (project-service-N): tells replicas apart, and each has its own memory limit. */
const CONTAINER = 'name';

const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;

export const stack = buildDashboard({
  uid: 'stack',
  title: 'Stack',
  description:
    "Is the monitoring stack itself healthy? Every container's CPU and memory, scrape health, Loki ingestion, Prometheus and Alertmanager.",
  tags: ['stack'],
  alerts: 'ALERTS{alertstate="firing"}',
  rows: [
    {
      title: 'Health',
      panels: [
        stat({
          title: 'Targets down',
          description: 'Scrape targets Prometheus cannot reach right now. Anything above 0 is a silent component.',
          unit: UNITS.count,
          threshold: 1,
          queries: [promql('count(up == 0) or vector(0)', { instant: true })],
        }),
        stat({
          title: 'Alerts firing',
          description: 'Prometheus alerts firing now; the "Alerts in Alertmanager" link above lists them.',
          unit: UNITS.count,
          threshold: 1,
          queries: [promql('count(ALERTS{alertstate="firing"}) or vector(0)', { instant: true })],
        }),
        stat({
          title: 'Alertmanagers discovered',
          description: 'Alertmanagers Prometheus sends alerts to. 0 means alerts fire but nobody hears them.',
          unit: UNITS.count,
          queries: [
            promql('sum(prometheus_notifications_alertmanagers_discovered{job="prometheus"})', { instant: true }),
          ],
        }),
        stat({
          title: 'Series in Prometheus',
          description: "Series in Prometheus' head block: the cost of every label value ever used.",
          unit: UNITS.count,
          queries: [promql('sum(prometheus_tsdb_head_series{job="prometheus"})', { instant: true })],
        }),
      ],
    },
    {
      title: 'Containers',
      panels: [
        timeSeries({
          title: 'CPU by container',
          description:
            "CPU used by each of the stack's containers, one line per backend replica (cAdvisor in Alloy): 100% is one core.",
          unit: UNITS.percent,
          min: 0,
          queries: [
            promql(`sum by (${CONTAINER}) (${rate(`container_cpu_usage_seconds_total{${CONTAINERS}}`)})`, {
              legend: `{{${CONTAINER}}}`,
            }),
          ],
        }),
        timeSeries({
          title: 'Memory by container',
          description:
            'Working-set memory of each container (each replica apart), what its memory limit in compose.yaml is compared with.',
          unit: UNITS.bytes,
          min: 0,
          queries: [
            promql(`sum by (${CONTAINER}) (container_memory_working_set_bytes{${CONTAINERS}})`, {
              legend: `{{${CONTAINER}}}`,
            }),
          ],
        }),
      ],
    },
    {
      title: 'Scraping',
      panels: [
        timeSeries({
          title: 'Targets up by job',
          description: 'Targets each job scrapes successfully (the up series). A drop is a component gone silent.',
          unit: UNITS.count,
          min: 0,
          width: WIDTH.third,
          queries: [promql('sum by (job) (up)', { legend: '{{job}}' })],
        }),
        timeSeries({
          title: 'Scrape duration',
          description: "How long each job's slowest scrape takes; it must stay below the scrape timeout.",
          unit: UNITS.seconds,
          min: 0,
          width: WIDTH.third,
          queries: [promql('max by (job) (scrape_duration_seconds)', { legend: '{{job}}' })],
        }),
        timeSeries({
          title: 'Samples per scrape',
          description: 'Samples each job exposes per scrape: a jump is new series, often a label with too many values.',
          unit: UNITS.count,
          min: 0,
          width: WIDTH.third,
          queries: [promql('sum by (job) (scrape_samples_scraped)', { legend: '{{job}}' })],
        }),
      ],
    },
    {
      title: 'Loki ingestion',
      panels: [
        timeSeries({
          title: 'Log lines received',
          description: "Lines per second Loki's distributor accepts from Alloy.",
          unit: UNITS.perSecond,
          min: 0,
          width: WIDTH.third,
          queries: [promql(`sum(${rate('loki_distributor_lines_received_total{job="loki"}')})`, { legend: 'lines/s' })],
        }),
        timeSeries({
          title: 'Log bytes received',
          description: 'Uncompressed log bytes per second Loki accepts.',
          unit: UNITS.bytesPerSecond,
          min: 0,
          width: WIDTH.third,
          queries: [promql(`sum(${rate('loki_distributor_bytes_received_total{job="loki"}')})`, { legend: 'bytes/s' })],
        }),
        timeSeries({
          title: 'Log streams in memory',
          description: "Streams (distinct label sets) Loki's ingester holds: labels with many values multiply them.",
          unit: UNITS.count,
          min: 0,
          width: WIDTH.third,
          queries: [promql('sum(loki_ingester_memory_streams{job="loki"})', { legend: 'streams' })],
        }),
      ],
    },
    {
      title: 'Prometheus and Alertmanager',
      panels: [
        timeSeries({
          title: 'Samples ingested',
          description: 'Samples per second Prometheus appends, scraped and remote-written alike.',
          unit: UNITS.perSecond,
          min: 0,
          width: WIDTH.third,
          queries: [
            promql(`sum(${rate('prometheus_tsdb_head_samples_appended_total{job="prometheus"}')})`, {
              legend: 'samples/s',
            }),
          ],
        }),
        timeSeries({
          title: 'Rule and notification failures',
          description:
            'Rule evaluations that failed and alert notifications Prometheus could not deliver to Alertmanager: both should stay at 0.',
          unit: UNITS.perSecond,
          min: 0,
          width: WIDTH.third,
          queries: [
            promql(`sum(${rate('prometheus_rule_evaluation_failures_total{job="prometheus"}')})`, {
              legend: 'rule evaluation failures',
            }),
            promql(`sum(${rate('prometheus_notifications_dropped_total{job="prometheus"}')})`, {
              legend: 'notifications dropped',
            }),
          ],
        }),
        timeSeries({
          title: 'Alerts in Alertmanager',
          description:
            'Alerts Alertmanager holds, by state: active ones notify, suppressed ones are silenced or inhibited.',
          unit: UNITS.count,
          min: 0,
          width: WIDTH.third,
          queries: [promql('sum by (state) (alertmanager_alerts{job="alertmanager"})', { legend: '{{state}}' })],
        }),
      ],
    },
  ],
});
