import {
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCES } from './datasources.ts';

/**
 * "All" as a regex. PromQL accepts `=~".*"`; LogQL refuses a selector that matches the empty
 * string, so Loki variables use `.+`.
 */
const ALL = { prometheus: '.*', loki: '.+' } as const;

interface VariableSpec {
  name: string;
  label: string;
  /** Grafana's `label_values(…)` query. */
  query: string;
  /** Several values (and All) may be selected: queries must match with `=~"$name"`. */
  multi?: boolean;
}

function variable({ name, label, query, multi = false }: VariableSpec, allValue: string) {
  const builder = new QueryVariableBuilder(name)
    .label(label)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(multi)
    .includeAll(multi);
  return multi ? builder.allValue(allValue) : builder;
}

/** A variable whose values are a Prometheus label's. */
export function promVariable(spec: VariableSpec) {
  return variable(spec, ALL.prometheus).datasource(DATASOURCES.prometheus);
}

/** A variable whose values are a Loki label's. */
export function lokiVariable(spec: VariableSpec) {
  return variable(spec, ALL.loki).datasource(DATASOURCES.loki);
}

/** Free text, e.g. a string the log lines must contain (empty: every line). */
export function textVariable(name: string, label: string) {
  return new TextBoxVariableBuilder(name).label(label).defaultValue('');
}
