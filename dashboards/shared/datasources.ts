import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * The data sources Grafana provisions, by the fixed UIDs of
 * observability/grafana/provisioning/datasources/datasources.yaml: panels name them by UID, never by name.
 */
export const DATASOURCES = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  loki: { type: 'loki', uid: 'loki' },
  tempo: { type: 'tempo', uid: 'tempo' },
  alertmanager: { type: 'alertmanager', uid: 'alertmanager' },
} as const satisfies Record<string, DataSourceRef>;
