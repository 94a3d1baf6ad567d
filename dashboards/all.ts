import { fileURLToPath } from 'node:url';
import { logs } from './logs.ts';
import { runtime } from './runtime.ts';
import { serviceOverview } from './service-overview.ts';
import { dashboardJson } from './shared/json.ts';
import { stack } from './stack.ts';

/** Where Grafana's file provider reads them (observability/grafana/provisioning/dashboards/dashboards.yaml). */
export const OUTPUT_DIR = fileURLToPath(new URL('../observability/grafana/dashboards/', import.meta.url));

const DASHBOARDS = [serviceOverview, runtime, stack, logs];

/** Every dashboard's file name (its uid) and content, as `npm run dashboards` writes them. */
export function renderDashboards(): Map<string, string> {
  return new Map(DASHBOARDS.map((dashboard) => [`${dashboard.uid}.json`, dashboardJson(dashboard)]));
}
