import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { requireTool } from '../helpers/require-tool.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results');

test('/docs renders offline in headless Chromium: no request leaves the machine', async (t) => {
  const executablePath = requireTool(t, 'chromium', 'apt-get install chromium');
  if (executablePath === undefined) return;

  const { app } = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const { context, close } = await launchChromium(executablePath);
  t.after(close);

  // Every request the browser attempts, answered or not (this machine has no route out anyway).
  const external: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
  });

  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/docs/`, { waitUntil: 'load' });
  // Rendered from the OpenAPI document: the title and the demo route are on the page.
  await page.getByRole('heading', { name: 'test-service API' }).first().waitFor();
  await page.getByText('/status/{status_code}').first().waitFor();
  // The code samples carry the full address: the document's relative server, resolved by Scalar.
  await page.getByText(`${origin}/`).first().waitFor();

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: false });

  assert.deepEqual(external, [], 'requests that would have left the machine');
  assert.deepEqual(errors, []);
});
