/**
 * Screenshots every provisioned dashboard in the running compose stack's Grafana, with headless
 * Chromium, once the traffic has produced data. Run by .github/workflows/compose-e2e.yml after the
 * end-to-end checks; the PNGs are kept as the job's artifacts.
 *
 *   node test/e2e/dashboard-screenshots.ts [output dir, default test-results/dashboards]
 *
 * GRAFANA_PORT, GF_SECURITY_ADMIN_USER and GF_SECURITY_ADMIN_PASSWORD follow compose's defaults;
 * CHROMIUM_PATH overrides the browser (else chromium or google-chrome on PATH). Panels that show
 * "No data" are reported as GitHub warnings, by dashboard and title; the stack tier proves every
 * query against a real Prometheus, the screenshots show what a user sees.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { findExecutable } from '../../support/find-executable.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { panelsOf, readDashboards } from '../helpers/dashboards.ts';

const GRAFANA = `http://127.0.0.1:${process.env.GRAFANA_PORT ?? '3000'}`;
const USER = process.env.GF_SECURITY_ADMIN_USER ?? 'admin';
const PASSWORD = process.env.GF_SECURITY_ADMIN_PASSWORD ?? 'admin';
const OUTPUT_DIR = resolve(process.argv[2] ?? 'test-results/dashboards');
const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome'];
/** The time range shown: the traffic of the compose job, with some lead-in. */
const TIME_RANGE = 'from=now-15m&to=now';
const VIEWPORT_WIDTH = 1600;
/** Grafana's grid: 30 px a row plus an 8 px gap, under the top bar and variables. */
const PIXELS_PER_GRID_ROW = 38;
const CHROME_PIXELS = 300;
const LOAD_DEADLINE_MS = 60_000;
const POLL_MS = 500;
/** Panels still loading draw this bar (Grafana 10 and later). */
const LOADING = '[aria-label="Panel loading bar"]';

/** Tall enough that every panel is in view: Grafana only loads the panels a user could see. */
function viewportHeight(gridRows: number): number {
  return gridRows * PIXELS_PER_GRID_ROW + CHROME_PIXELS;
}

async function settled(page: Page): Promise<void> {
  const deadline = Date.now() + LOAD_DEADLINE_MS;
  while ((await page.locator(LOADING).count()) > 0) {
    if (Date.now() > deadline) throw new Error(`panels still loading after ${LOAD_DEADLINE_MS} ms: ${page.url()}`);
    await delay(POLL_MS);
  }
}

/** Titles of the panels whose body says "No data". */
async function panelsWithoutData(page: Page, titles: string[]): Promise<string[]> {
  const empty: string[] = [];
  for (const title of titles) {
    const panel = page.locator(`[data-testid="data-testid Panel header ${title}"]`).first();
    if ((await panel.count()) === 0) continue;
    if ((await panel.getByText('No data', { exact: true }).count()) > 0) empty.push(title);
  }
  return empty;
}

const executablePath = process.env.CHROMIUM_PATH ?? BROWSERS.map(findExecutable).find(Boolean);
if (executablePath === undefined) throw new Error(`no browser found: install one of ${BROWSERS.join(', ')}`);

mkdirSync(OUTPUT_DIR, { recursive: true });
const { context, close } = await launchChromium(executablePath, GRAFANA);
try {
  // Logging in through the API sets Grafana's session cookie for every page of the context.
  const login = await context.request.post('/login', { data: { user: USER, password: PASSWORD } });
  if (!login.ok()) throw new Error(`Grafana login failed: ${login.status()} ${await login.text()}`);

  const page = context.pages()[0] ?? (await context.newPage());
  for (const { dashboard } of readDashboards()) {
    const gridRows = Math.max(...dashboard.panels.map(({ gridPos }) => (gridPos ? gridPos.y + gridPos.h : 0)));
    await page.setViewportSize({ width: VIEWPORT_WIDTH, height: viewportHeight(gridRows) });
    await page.goto(`/d/${dashboard.uid}?orgId=1&${TIME_RANGE}&kiosk`, { waitUntil: 'networkidle' });
    await settled(page);
    const file = join(OUTPUT_DIR, `${dashboard.uid}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const empty = await panelsWithoutData(
      page,
      panelsOf(dashboard).map(({ title }) => title),
    );
    for (const title of empty) console.log(`::warning title=No data::${dashboard.title} / ${title} shows "No data"`);
    console.log(`${dashboard.title}: ${file}${empty.length === 0 ? '' : ` (${empty.length} panels without data)`}`);
  }
} finally {
  await close();
}
