import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { DATASOURCES } from './datasources.ts';

interface PromOptions {
  /** The series' name in the legend, e.g. `{{http_route}}`. */
  legend?: string;
  /** One value at the end of the time range (stat and pie panels) instead of a series over it. */
  instant?: boolean;
  /** Trace ids attached to histogram buckets: latency panels show them as points linking to Tempo. */
  exemplar?: boolean;
  /** Histogram buckets for a heatmap. */
  heatmap?: boolean;
}

/** A PromQL query on the provisioned Prometheus. */
export function promql(expr: string, { legend, instant = false, exemplar = false, heatmap = false }: PromOptions = {}) {
  const query = new PromQuery().datasource(DATASOURCES.prometheus).expr(expr).exemplar(exemplar);
  if (legend !== undefined) query.legendFormat(legend);
  if (heatmap) query.format(PromQueryFormat.Heatmap);
  return instant ? query.instant() : query.range();
}

/** A LogQL query on the provisioned Loki: log lines, or a metric over them when `legend` is given. */
export function logql(expr: string, { legend }: { legend?: string } = {}) {
  const query = new LokiQuery().datasource(DATASOURCES.loki).expr(expr).queryType('range');
  if (legend !== undefined) query.legendFormat(legend);
  return query;
}
