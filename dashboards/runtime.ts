import { BACKEND_ALERTS, threshold } from './shared/alert-thresholds.ts';
import { buildDashboard } from './shared/dashboard.ts';
import { milliseconds } from './shared/format.ts';
import { stat, timeSeries } from './shared/panels.ts';
import { promql } from './shared/queries.ts';
import { UNITS } from './shared/units.ts';
import { promVariable } from './shared/variables.ts';

/** Node.js runtime metrics (collectDefaultMetrics of @prometheus-io/client) of the selected instances. */
const SELECTED = 'job=~"$job", instance=~"$instance"';
const EVENT_LOOP_LAG_ALERT_SECONDS = threshold(BACKEND_ALERTS, 'BackendEventLoopLag');

const rate = (metric: string) => `rate(${metric}{${SELECTED}}[$__rate_interval])`;

export const runtime = buildDashboard({
  uid: 'runtime',
  title: 'Runtime',
  description:
    'Is the Node.js process healthy? CPU, memory, heap, event-loop lag and garbage collection of every instance.',
  tags: ['service', 'nodejs'],
  variables: [
    // nodejs_version_info: only Node processes, so Prometheus and Alertmanager (Go) are not offered.
    promVariable({ name: 'job', label: 'Service', query: 'label_values(nodejs_version_info, job)' }),
    promVariable({
      name: 'instance',
      label: 'Instance',
      query: 'label_values(nodejs_version_info{job=~"$job"}, instance)',
      multi: true,
    }),
  ],
  alerts: 'ALERTS{alertstate="firing", job=~"$job"}',
  rows: [
    {
      title: 'Process',
      panels: [
        stat({
          title: 'Uptime',
          description: 'Time since the most recently started instance began: a reset means it restarted.',
          unit: UNITS.seconds,
          queries: [promql(`min(time() - process_start_time_seconds{${SELECTED}})`, { instant: true })],
        }),
        stat({
          title: 'Instances',
          description: 'Instances Prometheus scrapes successfully right now.',
          unit: UNITS.count,
          queries: [promql(`sum(up{${SELECTED}})`, { instant: true })],
        }),
        stat({
          title: 'Event-loop lag p99',
          description:
            "The worst instance's 99th percentile event-loop delay. " +
            `Red from ${milliseconds(EVENT_LOOP_LAG_ALERT_SECONDS)}, where BackendEventLoopLag fires.`,
          unit: UNITS.seconds,
          threshold: EVENT_LOOP_LAG_ALERT_SECONDS,
          queries: [promql(`max(nodejs_eventloop_lag_p99_seconds{${SELECTED}})`, { instant: true })],
        }),
        stat({
          title: 'Resident memory',
          description: 'Memory the largest instance holds in RAM.',
          unit: UNITS.bytes,
          queries: [promql(`max(process_resident_memory_bytes{${SELECTED}})`, { instant: true })],
        }),
        timeSeries({
          title: 'CPU',
          description:
            'CPU time per second of wall time, user and system: 100% is one core busy. Node runs JavaScript on one core.',
          unit: UNITS.percent,
          min: 0,
          stacked: true,
          queries: [
            promql(rate('process_cpu_user_seconds_total'), { legend: '{{instance}} user' }),
            promql(rate('process_cpu_system_seconds_total'), { legend: '{{instance}} system' }),
          ],
        }),
        timeSeries({
          title: 'Resident memory',
          description: 'Memory held in RAM (RSS): heap, code, buffers and native allocations together.',
          unit: UNITS.bytes,
          min: 0,
          queries: [promql(`process_resident_memory_bytes{${SELECTED}}`, { legend: '{{instance}}' })],
        }),
      ],
    },
    {
      title: 'V8 heap and garbage collection',
      panels: [
        timeSeries({
          title: 'Heap',
          description:
            'V8 heap used and allocated, and memory outside the heap (Buffers). Used heap that only grows is a leak.',
          unit: UNITS.bytes,
          min: 0,
          queries: [
            promql(`nodejs_heap_size_used_bytes{${SELECTED}}`, { legend: '{{instance}} used' }),
            promql(`nodejs_heap_size_total_bytes{${SELECTED}}`, { legend: '{{instance}} total' }),
            promql(`nodejs_external_memory_bytes{${SELECTED}}`, { legend: '{{instance}} external' }),
          ],
        }),
        timeSeries({
          title: 'Heap used by space',
          description: 'Used heap per V8 space: "new" churns with short-lived objects, "old" holds what survives.',
          unit: UNITS.bytes,
          min: 0,
          stacked: true,
          queries: [promql(`sum by (space) (nodejs_heap_space_size_used_bytes{${SELECTED}})`, { legend: '{{space}}' })],
        }),
        timeSeries({
          title: 'Time in garbage collection',
          description: 'Share of wall time spent collecting garbage, by kind. Sustained major GC slows every request.',
          unit: UNITS.percent,
          min: 0,
          stacked: true,
          queries: [promql(`sum by (kind) (${rate('nodejs_gc_duration_seconds_sum')})`, { legend: '{{kind}}' })],
        }),
        timeSeries({
          title: 'Garbage collections',
          description: 'Collections per second, by kind.',
          unit: UNITS.perSecond,
          min: 0,
          queries: [promql(`sum by (kind) (${rate('nodejs_gc_duration_seconds_count')})`, { legend: '{{kind}}' })],
        }),
      ],
    },
    {
      title: 'Event loop',
      panels: [
        timeSeries({
          title: 'Event-loop lag',
          description:
            'How late timers fire: the time a request waits behind synchronous work. ' +
            `The dashed line is BackendEventLoopLag's ${milliseconds(EVENT_LOOP_LAG_ALERT_SECONDS)}.`,
          unit: UNITS.seconds,
          min: 0,
          threshold: EVENT_LOOP_LAG_ALERT_SECONDS,
          queries: [
            promql(`nodejs_eventloop_lag_p50_seconds{${SELECTED}}`, { legend: '{{instance}} p50' }),
            promql(`nodejs_eventloop_lag_p99_seconds{${SELECTED}}`, { legend: '{{instance}} p99' }),
            promql(`nodejs_eventloop_lag_max_seconds{${SELECTED}}`, { legend: '{{instance}} max' }),
          ],
        }),
        timeSeries({
          title: 'Handles and file descriptors',
          description: 'Open sockets, timers and files: a number that only grows is a leak.',
          unit: UNITS.count,
          min: 0,
          queries: [
            promql(`nodejs_active_handles_total{${SELECTED}}`, { legend: '{{instance}} handles' }),
            promql(`process_open_fds{${SELECTED}}`, { legend: '{{instance}} file descriptors' }),
          ],
        }),
      ],
    },
  ],
});
