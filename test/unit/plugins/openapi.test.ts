import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.ts';

interface Operation {
  parameters?: Array<{
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema: Record<string, unknown>;
  }>;
  responses: Record<string, unknown>;
}

test('the OpenAPI document lists every route of the contract with its parameters', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/docs/openapi.json');
  assert.equal(res.statusCode, 200);
  const doc = res.json() as { openapi: string; paths: Record<string, Record<string, Operation>> };
  assert.match(doc.openapi, /^3\./);
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/', '/healthz', '/metrics', '/readyz', '/status/{status_code}']);

  const status = doc.paths['/status/{status_code}']?.get;
  assert.ok(status);
  const params = Object.fromEntries((status.parameters ?? []).map((p) => [p.name, p]));
  assert.equal(params.status_code?.in, 'path');
  assert.equal(params.status_code?.required, true);
  assert.equal(params.status_code?.schema.pattern, '^[2-5][0-9]{2}$');
  assert.equal(params.seconds_sleep?.in, 'query');
  assert.notEqual(params.seconds_sleep?.required, true);
  assert.match(String(params.seconds_sleep?.description ?? params.seconds_sleep?.schema.description), /from 0 to 60/);
  for (const code of ['2XX', '4XX', '5XX']) assert.ok(code in status.responses, `${code} documented`);
});

test('the OpenAPI document names one relative server, so Scalar prefixes samples with the page origin', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject('/docs/openapi.json')).json() as { servers?: Array<{ url: string }> };
  assert.deepEqual(
    doc.servers?.map((server) => server.url),
    ['/'],
  );
});

test('/docs serves the Scalar page, its script from this process, and no default fonts', async (t) => {
  const { app } = await buildTestApp(t);
  const page = await app.inject('/docs/');
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1] ?? '');
  assert.ok(scripts.length > 0);
  for (const src of scripts) assert.doesNotMatch(src, /^(https?:)?\/\//, `script ${src} must be local`);
  assert.match(page.body, /"withDefaultFonts":\s*false/);
  assert.match(page.body, /<title>test-service API<\/title>/);
  const script = await app.inject(scripts[0]?.startsWith('/') ? scripts[0] : `/docs/${scripts[0]}`);
  assert.equal(script.statusCode, 200);
});
