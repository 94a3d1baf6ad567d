import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTENDERS } from '../../../bench/contenders.ts';
import { parseOptions } from '../../../bench/options.ts';
import { renderSection } from '../../../bench/report.ts';
import type { Sample } from '../../../bench/rounds.ts';

/** Two rounds in which each contender answers `rps` on every route, at `cpu` µs a request. */
function samples(figures: Record<string, [rps: number, cpu: number]>): Sample[] {
  return [1, 2].flatMap((round) =>
    Object.entries(figures).flatMap(([contender, [requestsPerSecond, cpuUsPerRequest]]) =>
      ['/', '/status/500'].map((path) => ({ contender, path, round, requestsPerSecond, cpuUsPerRequest, errors: 0 })),
    ),
  );
}

/** The rows of the targets table for one route, as cells. */
function targetRows(section: string, route: string): string[][] {
  return section
    .split('\n')
    .filter((line) => line.startsWith(`| \`${route}\``) && line.includes('≥'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

test('each target is printed beside what the same rounds measured, and whether it holds', () => {
  const section = renderSection({
    options: parseOptions([]),
    contenders: CONTENDERS,
    samples: samples({
      fastify: [1000, 10],
      service: [600, 20],
      'fastify-metrics': [500, 16],
      'fastify-logger-metrics': [450, 22],
      'service-tracing': [200, 50],
      'fastify-otel': [90, 100],
    }),
    tracing: new Map(),
    loadBefore: 0,
  });
  const rows = targetRows(section, '/').map(([, contender, against, target, rps, cpu, met]) => [
    contender,
    against,
    target,
    rps,
    cpu,
    met,
  ]);
  assert.deepEqual(rows, [
    ['the service, as shipped', 'Fastify logger + fastify-metrics', '≥ 1.5×', '1.33×', '1.10×', 'no'],
    ['the service, as shipped', 'fastify-metrics alone', '≥ 1.0×', '1.20×', '0.80×', 'yes'],
    [
      'the service, traced (100%)',
      'traced peer: logger + fastify-metrics + @fastify/otel (100%)',
      '≥ 2.0×',
      '2.22×',
      '2.00×',
      'yes',
    ],
  ]);
});

test('a target whose contenders did not run is left out', () => {
  const section = renderSection({
    options: parseOptions([]),
    contenders: CONTENDERS.filter(({ id }) => id === 'fastify' || id === 'service'),
    samples: samples({ fastify: [1000, 10], service: [600, 20] }),
    tracing: new Map(),
    loadBefore: 0,
  });
  assert.equal(section.includes('Targets'), false);
});
