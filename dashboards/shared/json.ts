import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Objects with their keys sorted, recursively; functions and undefined dropped, as JSON does. */
function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value as Json;
  const sorted: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined && typeof child !== 'function') sorted[key] = sortKeys(child);
  }
  return sorted;
}

/**
 * The file Grafana provisions: panel ids numbered in order (stable `viewPanel` links), keys sorted,
 * two-space indentation and a final newline, so regenerating an unchanged dashboard changes no byte.
 */
export function dashboardJson(dashboard: Dashboard): string {
  const panels = (dashboard.panels ?? []).map((panel, index) => ({ ...panel, id: index + 1 }));
  return `${JSON.stringify(sortKeys({ ...dashboard, panels }), null, 2)}\n`;
}
