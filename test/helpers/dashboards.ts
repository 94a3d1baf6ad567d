import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './repo.ts';

/** The committed dashboards Grafana provisions, read back as JSON: what the tests check cannot drift from them. */
export const DASHBOARDS_DIR = 'observability/grafana/dashboards';

interface DatasourceRef {
  type?: string;
  uid?: string;
}
interface TargetJson {
  refId?: string;
  datasource?: DatasourceRef;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  exemplar?: boolean;
  format?: string;
}
export interface PanelJson {
  id?: number;
  type: string;
  title: string;
  description?: string;
  datasource?: DatasourceRef;
  targets?: TargetJson[];
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos?: { x: number; y: number; w: number; h: number };
  panels?: PanelJson[];
}
interface VariableJson {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: DatasourceRef;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}
interface AnnotationJson {
  name: string;
  datasource?: DatasourceRef;
  target?: TargetJson;
}
export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list?: VariableJson[] };
  annotations: { list?: AnnotationJson[] };
}

export function readDashboards(): Array<{ file: string; dashboard: DashboardJson }> {
  const dir = repoPath(DASHBOARDS_DIR);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson }));
}

/** Every panel, rows' nested panels included, rows themselves left out. */
export function panelsOf(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((panel) =>
    panel.type === 'row' ? (panel.panels ?? []) : [panel, ...(panel.panels ?? [])],
  );
}

export interface DashboardQuery {
  dashboard: string;
  /** The panel's title, or "annotation: <name>". */
  where: string;
  datasource: string | undefined;
  expr: string;
  instant: boolean;
  exemplar: boolean;
}

/** Every query of the dashboard: panel targets and annotation queries, as Grafana would send them (before variables). */
export function queriesOf(dashboard: DashboardJson): DashboardQuery[] {
  const fromPanels = panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      dashboard: dashboard.uid,
      where: panel.title,
      datasource: target.datasource?.uid ?? panel.datasource?.uid,
      expr: target.expr ?? '',
      instant: target.instant === true,
      exemplar: target.exemplar === true,
    })),
  );
  const fromAnnotations = (dashboard.annotations.list ?? []).flatMap((annotation) =>
    annotation.target?.expr === undefined
      ? []
      : [
          {
            dashboard: dashboard.uid,
            where: `annotation: ${annotation.name}`,
            datasource: annotation.target.datasource?.uid ?? annotation.datasource?.uid,
            expr: annotation.target.expr,
            instant: false,
            exemplar: false,
          },
        ],
  );
  return [...fromPanels, ...fromAnnotations];
}

/** The text of a query variable's query, whichever form Grafana stored it in. */
export function variableQuery(variable: VariableJson): string {
  return typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
}

/** `$name` and `${name}` references, Grafana's built-ins (`$__…`) included. */
const REFERENCE = /\$\{?(\w+)\}?/g;

export function referencesIn(expr: string): string[] {
  return [...expr.matchAll(REFERENCE)].map((match) => match[1] ?? '');
}

/** `expr` with every variable replaced; throws on one `values` does not know, so nothing is sent half-substituted. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(REFERENCE, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
    return value;
  });
}

/** Regex metacharacters escaped, as Grafana escapes a variable's values inside `=~"…"` (backslashes doubled for the string). */
function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&');
}

/** Grafana's rendering of a multi-value selection for a regex matcher: `(a|b)`, or the one value alone. */
export function regexOf(values: string[]): string {
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}
