import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import {
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Panel,
  RowBuilder,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCES } from './datasources.ts';
import { promql } from './queries.ts';

/** Every dashboard of the demo carries this tag; the dashboards' link menu lists them by it. */
const TAG = 'observability-demo';
/** The provisioned Alertmanager data source's name: Grafana's alerting pages select it by name. */
const ALERTMANAGER_NAME = 'Alertmanager';
const DEFAULT_TIME = { from: 'now-30m', to: 'now' } as const;
/** Often enough to watch traffic arrive; the backend is scraped every 3 s. */
const REFRESH = '10s';
/** The resolution of the alert annotations: the rules are evaluated every 15 s. */
const ALERT_ANNOTATION_STEP = '15s';

interface Row {
  title: string;
  panels: Array<Builder<Panel>>;
}

interface DashboardSpec {
  /** Stable: links, bookmarks and the provisioned file name depend on it. */
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables?: Array<Builder<VariableModel>>;
  /**
   * Prometheus' ALERTS series to mark on every time series panel, e.g. `ALERTS{alertstate="firing"}`:
   * the moment an alert fired is visible next to the data that fired it.
   */
  alerts?: string;
  rows: Row[];
}

function alertAnnotation(expr: string) {
  return new AnnotationQueryBuilder()
    .name('Firing alerts')
    .datasource(DATASOURCES.prometheus)
    .enable(true)
    .iconColor('red')
    .target(promql(expr).refId('Anno') as Builder<Dataquery>)
    .step(ALERT_ANNOTATION_STEP)
    .titleFormat('{{alertname}}')
    .textFormat('{{severity}}: {{job}} {{instance}} {{http_route}}')
    .tagKeys('severity,alertname')
    .useValueForTime(false);
}

/** A dashboard of the demo: its rows of panels, the demo's shared links, time range and refresh. */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([TAG, ...spec.tags])
    .time(DEFAULT_TIME)
    .refresh(REFRESH)
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .link(
      new DashboardLinkBuilder('Dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    )
    .link(
      new DashboardLinkBuilder('Alerts in Alertmanager')
        .type(DashboardLinkType.Link)
        .icon('bolt')
        .tooltip('Alert groups and silences, as the provisioned Alertmanager holds them')
        .url(`/alerting/groups?alertmanager=${ALERTMANAGER_NAME}`)
        .keepTime(false),
    );
  for (const variable of spec.variables ?? []) builder.withVariable(variable);
  if (spec.alerts !== undefined) builder.annotation(alertAnnotation(spec.alerts));
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  return showInline(builder.build());
}

/**
 * The SDK sets every link and annotation toggle to `placement: inControlsMenu`, which tucks them
 * into a menu; without it Grafana shows them in the dashboard's top bar, where users see them.
 */
function showInline(dashboard: Dashboard): Dashboard {
  for (const link of dashboard.links ?? []) delete link.placement;
  for (const annotation of dashboard.annotations?.list ?? []) delete annotation.placement;
  return dashboard;
}
