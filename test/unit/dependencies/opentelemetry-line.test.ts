import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installedOpenTelemetry, LINE_2X, LINE_3X, offLine } from '../../helpers/opentelemetry-line.ts';
import { repoPath } from '../../helpers/repo.ts';

// The install itself, not just package.json: a range that let npm pick a package from another
// line would pass a manifest check and still record no span.
test('every installed @opentelemetry/* package is on the 3.x line, with no invalid peer', async () => {
  const { packages, problems } = await installedOpenTelemetry(repoPath('.'));
  assert.deepEqual(problems, []);
  for (const name of ['@opentelemetry/api@1.10.0', '@opentelemetry/core@3.1.1', '@opentelemetry/sdk-node@0.301.2']) {
    assert.ok(packages.has(name), `${name} is installed`);
  }
  assert.deepEqual(offLine(packages, LINE_3X), []);
});

test('the line check names what is off the line', () => {
  const mixed = [
    '@opentelemetry/api@1.9.1',
    '@opentelemetry/core@3.1.1',
    '@opentelemetry/core@2.11.0',
    '@opentelemetry/sdk-node@0.301.2',
    '@opentelemetry/instrumentation@0.222.0',
    '@opentelemetry/semantic-conventions@1.45.0',
  ];
  assert.deepEqual(offLine(mixed, LINE_3X), [
    '@opentelemetry/api@1.9.1',
    '@opentelemetry/core@2.11.0',
    '@opentelemetry/instrumentation@0.222.0',
  ]);
  assert.deepEqual(offLine(mixed, LINE_2X), ['@opentelemetry/core@3.1.1', '@opentelemetry/sdk-node@0.301.2']);
});
