/**
 * `npm run dashboards`: writes every dashboard's JSON where Grafana provisions it from, and removes
 * files of dashboards that no longer exist. The JSON is committed; a test fails when it is stale.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OUTPUT_DIR, renderDashboards } from './all.ts';

const rendered = renderDashboards();
mkdirSync(OUTPUT_DIR, { recursive: true });
for (const file of readdirSync(OUTPUT_DIR)) {
  if (file.endsWith('.json') && !rendered.has(file)) rmSync(join(OUTPUT_DIR, file));
}
for (const [file, json] of rendered) writeFileSync(join(OUTPUT_DIR, file), json);
console.log(`wrote ${rendered.size} dashboards to ${relative(process.cwd(), OUTPUT_DIR)}`);
