import * as common from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmapPanel from '@grafana/grafana-foundation-sdk/heatmap';
import * as logsPanel from '@grafana/grafana-foundation-sdk/logs';
import * as piePanel from '@grafana/grafana-foundation-sdk/piechart';
import * as statPanel from '@grafana/grafana-foundation-sdk/stat';
import * as timeSeriesPanel from '@grafana/grafana-foundation-sdk/timeseries';
import type { logql, promql } from './queries.ts';
import type { Unit } from './units.ts';

/** Grafana's grid is 24 columns wide; these are the widths the dashboards use. */
export const WIDTH = { full: 24, half: 12, third: 8, quarter: 6 } as const;
const DEFAULT_HEIGHT = 8;
const STAT_HEIGHT = 4;
const FILL_OPACITY = 10;
const REF_IDS = 'ABCDEFGHIJ';

type Query = ReturnType<typeof promql> | ReturnType<typeof logql>;

interface PanelSpec {
  title: string;
  /** Shown as the panel's (i) tooltip: what the panel answers, and how to read it. */
  description: string;
  unit: Unit;
  queries: Query[];
  width?: number;
  height?: number;
}

interface TimeSeriesSpec extends PanelSpec {
  /** Stack the series (parts of a whole, e.g. requests by status). */
  stacked?: boolean;
  /** Draw a dashed red line at this value, e.g. an alert's threshold. */
  threshold?: number;
  min?: number;
}

/** refIds A, B, C… in order, so the generated JSON does not depend on Grafana assigning them. */
function withRefIds(queries: Query[]): Query[] {
  return queries.map((query, index) => query.refId(REF_IDS[index] ?? `Q${index}`));
}

/** Green below `value`, red from it: an alert threshold drawn on the panel. */
function redFrom(value: number) {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value, color: 'red' },
  ]);
}

/** The setters every panel builder of the SDK has, for what a PanelSpec says. */
interface SpecSetters {
  title(title: string): this;
  description(description: string): this;
  unit(unit: string): this;
  targets(targets: Query[]): this;
  span(width: number): this;
  height(height: number): this;
}

/** What every panel sets from its spec, sized `size` unless the spec says otherwise; no unit for log lines. */
function fromSpec<Builder extends SpecSetters>(
  builder: Builder,
  spec: Omit<PanelSpec, 'unit'> & { unit?: Unit },
  size: { width: number; height: number },
): Builder {
  builder
    .title(spec.title)
    .description(spec.description)
    .targets(withRefIds(spec.queries))
    .span(spec.width ?? size.width)
    .height(spec.height ?? size.height);
  return spec.unit === undefined ? builder : builder.unit(spec.unit);
}

const legendBelow = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);

export function timeSeries(spec: TimeSeriesSpec) {
  const panel = fromSpec(new timeSeriesPanel.PanelBuilder(), spec, { width: WIDTH.half, height: DEFAULT_HEIGHT })
    .fillOpacity(FILL_OPACITY)
    .legend(legendBelow())
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.threshold !== undefined) {
    panel
      .thresholds(redFrom(spec.threshold))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

/** One big number (the last value over the time range), red from `threshold` when given. */
export function stat(spec: PanelSpec & { threshold?: number }) {
  const panel = fromSpec(new statPanel.PanelBuilder(), spec, { width: WIDTH.quarter, height: STAT_HEIGHT })
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  panel.thresholds(
    spec.threshold === undefined
      ? new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'blue' }])
      : redFrom(spec.threshold),
  );
  return panel;
}

/** Shares of a whole, e.g. requests by status code over the time range. */
export function pie(spec: PanelSpec) {
  return fromSpec(new piePanel.PanelBuilder(), spec, { width: WIDTH.quarter, height: DEFAULT_HEIGHT })
    .pieType(piePanel.PieChartType.Donut)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .legend(
      new piePanel.PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .values([piePanel.PieChartLegendValues.Percent, piePanel.PieChartLegendValues.Value]),
    );
}

/** Prometheus histogram buckets (a `format: heatmap` query) as a heatmap: where latencies cluster. */
export function histogramHeatmap(spec: PanelSpec) {
  return fromSpec(new heatmapPanel.PanelBuilder(), spec, { width: WIDTH.half, height: DEFAULT_HEIGHT })
    .calculate(false)
    .yAxis(new heatmapPanel.YAxisConfigBuilder().unit(spec.unit))
    .color(
      new heatmapPanel.HeatmapColorOptionsBuilder()
        .mode(heatmapPanel.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmapPanel.HeatmapColorScale.Exponential)
        .exponent(0.5),
    )
    .cellGap(1)
    .showLegend()
    .exemplarsColor('rgba(255,0,255,0.7)');
}

/**
 * Log lines from Loki. The Loki data source's derived field turns each line's trace_id into a
 * link to the trace in Tempo (observability/grafana/provisioning/datasources/datasources.yaml).
 */
export function logLines(spec: Omit<PanelSpec, 'unit'>) {
  return fromSpec(new logsPanel.PanelBuilder(), spec, { width: WIDTH.full, height: DEFAULT_HEIGHT * 2 })
    .showTime(true)
    .wrapLogMessage(true)
    .prettifyLogMessage(false)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending);
}
