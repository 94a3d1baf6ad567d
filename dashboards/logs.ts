import { buildDashboard } from './shared/dashboard.ts';
import { logLines, timeSeries } from './shared/panels.ts';
import { logql } from './shared/queries.ts';
import { UNITS } from './shared/units.ts';
import { lokiVariable, textVariable } from './shared/variables.ts';

/**
 * Alloy labels every container's lines with service_name (the compose service) and level: error,
 * warn, info, debug or unknown, read from the JSON lines of the service, the logfmt lines of
 * Prometheus, Alertmanager, Loki, Tempo, Alloy and Grafana, and HAProxy's "[LEVEL]" prefix
 * (observability/alloy/config.alloy). trace_id stays in the line.
 */
const SELECTED = 'service_name=~"$service"';
/** The selected services' lines at the selected levels. */
const LEVELLED = `${SELECTED}, level=~"$level"`;
/** Lines containing the text typed in the "Line contains" box (all lines while it is empty). */
const FILTERED = `{${LEVELLED}} |= "$search"`;

export const logs = buildDashboard({
  uid: 'logs',
  title: 'Logs',
  description:
    'What are the services saying? Log volume by level, the error lines, and a live view of every line, each linked to its trace.',
  tags: ['logs'],
  variables: [
    lokiVariable({ name: 'service', label: 'Service', query: 'label_values(service_name)', multi: true }),
    lokiVariable({ name: 'level', label: 'Level', query: 'label_values(level)', multi: true }),
    textVariable('search', 'Line contains'),
  ],
  rows: [
    {
      title: 'Volume',
      panels: [
        timeSeries({
          title: 'Log lines by level',
          description: 'Lines per second by level: a surge of warn or error lines is often the first sign of trouble.',
          unit: UNITS.perSecond,
          min: 0,
          stacked: true,
          queries: [logql(`sum by (level) (rate(${FILTERED} [$__auto]))`, { legend: '{{level}}' })],
        }),
        timeSeries({
          title: 'Error lines by service',
          description:
            'Error-level lines per second by service, every component of the stack included (the service logs every 5xx at error).',
          unit: UNITS.perSecond,
          min: 0,
          queries: [
            logql(`sum by (service_name) (rate({${SELECTED}, level="error"} |= "$search" [$__auto]))`, {
              legend: '{{service_name}}',
            }),
          ],
        }),
      ],
    },
    {
      title: 'Lines',
      panels: [
        logLines({
          title: 'Error lines',
          description:
            'The latest error-level lines. Expand one and follow "View trace" to the request\'s trace in Tempo.',
          queries: [logql(`{${SELECTED}, level="error"} |= "$search"`)],
        }),
        logLines({
          title: 'Live logs',
          description:
            'Every line of the selected services, newest first; the dashboard refreshes every 10 s. Lines with a trace_id link to their trace.',
          queries: [logql(FILTERED)],
        }),
      ],
    },
  ],
});
