import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS } from '../../../bench/options.ts';
import { renderReport } from '../../../bench/report.ts';
import type { BenchResults } from '../../../bench/results.ts';
import { checkTargets } from '../../../bench/targets.ts';

const MIB = 2 ** 20;

function load(contender: string, scenario: string, requestsPerSecond: number, vsFastify: number) {
  return {
    contender,
    scenario,
    rounds: 3,
    requestsPerSecond,
    p50Ms: 0.5,
    p99Ms: 2,
    cpuUsPerRequest: 20,
    errors: 0,
    rssBytes: 100 * MIB,
    vsFastify,
    vsNodeHttp: vsFastify * 0.9,
    cpuVsFastify: vsFastify,
  };
}

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    machine: {
      date: '2026-01-01T00:00:00.000Z',
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 8,
      kernel: '6.1.0',
      pinned: true,
      loadBefore: 0.1,
      loadAfter: 1.2,
      commit: 'abc1234',
      versions: { node: '24.0.0', fastify: '5.0.0' },
    },
    options: DEFAULTS,
    contenders: [
      { id: 'fastify', label: 'bare Fastify' },
      { id: 'service', label: 'the service' },
      { id: 'service-tracing', label: 'tracing on' },
    ],
    skipped: [
      { id: 'starlette-seed', label: 'Starlette', reason: 'needs starlette: apt-get install python3-starlette' },
    ],
    load: [
      load('fastify', '/', 80_000, 1),
      load('service', '/', 60_000, 0.75),
      load('service-tracing', '/', 30_000, 0.375),
      load('fastify', '/status/500', 70_000, 1),
      load('service', '/status/500', 42_000, 0.6),
      load('service-tracing', '/status/500', 35_000, 0.5),
    ],
    raw: { samples: [], rss: [], tracing: [{ contender: 'service-tracing', round: 1, requests: 1000, spans: 3000 }] },
    sleep: [
      {
        contender: 'service',
        requests: 10_000,
        ok: 10_000,
        errors: 0,
        errorKinds: {},
        connectMs: 800,
        wallMs: 1500,
        p50Ms: 1100,
        maxMs: 1400,
        idleRssBytes: 100 * MIB,
        peakRssBytes: 200 * MIB,
      },
    ],
    render: [
      { format: 'Prometheus text', series: 10, lines: 300, bytes: 30_000, medianMs: 0.5, p99Ms: 1 },
      { format: 'Prometheus text', series: 100, lines: 2_300, bytes: 300_000, medianMs: 12.5, p99Ms: 20 },
      { format: 'Prometheus text', series: 1000, lines: 22_000, bytes: 3_000_000, medianMs: 30, p99Ms: 40 },
      { format: 'OpenMetrics', series: 100, lines: 2_300, bytes: 300_000, medianMs: 9.5, p99Ms: 15 },
      { format: 'OpenMetrics', series: 1000, lines: 22_000, bytes: 3_000_000, medianMs: 30, p99Ms: 40 },
    ],
    ...overrides,
  };
}

describe('checkTargets', () => {
  const checks = checkTargets(results());
  const met = Object.fromEntries(checks.map((check) => [check.target, check.met]));

  test('each target against its threshold, the boundary included', () => {
    assert.equal(met['the service as shipped ≥ 0.7 × bare Fastify on `/`'], true);
    assert.equal(met['the service as shipped ≥ 0.7 × bare Fastify on `/status/500`'], false);
    assert.equal(met['tracing on ≥ 0.5 × bare Fastify on `/`'], false);
    assert.equal(met['tracing on ≥ 0.5 × bare Fastify on `/status/500`'], true);
    assert.equal(met['10,000 concurrent sleeping requests: 0 errors, RSS < 250 MB'], true);
    assert.equal(met['`/metrics` (Prometheus text) at 1,000 series < 10 ms'], false);
    assert.equal(met['`/metrics` (OpenMetrics) at 1,000 series < 10 ms'], true);
  });

  test('not measured, rather than met or failed, when this run could not say', () => {
    const partial = checkTargets(
      results({
        load: [],
        render: [],
        sleep: [{ ...(results().sleep[0] as BenchResults['sleep'][number]), requests: 1000, ok: 1000 }],
      }),
    );
    assert.ok(partial.every((check) => check.met === undefined));
  });

  test('/metrics is judged at the smallest exposition with 1,000 series as Prometheus counts them (lines)', () => {
    const render = checks.filter((check) => check.target.startsWith('`/metrics`'));
    assert.deepEqual(
      render.map((check) => check.measured),
      ['12.5 ms median at 2,300 series (100 label sets)', '9.5 ms median at 2,300 series (100 label sets)'],
    );
  });

  test('errors in the sleep wave fail it whatever the memory', () => {
    const sleep = [{ ...(results().sleep[0] as BenchResults['sleep'][number]), ok: 9_999, errors: 1 }];
    const check = checkTargets(results({ sleep })).find((entry) => entry.target.includes('sleeping'));
    assert.equal(check?.met, false);
  });
});

describe('renderReport', () => {
  const report = renderReport(results());

  test('a row per contender with its ratios', () => {
    assert.match(
      report,
      /\| the service \| 60,000 \| 0\.75× \| 0\.68× \| 0\.50 \| 2\.00 \| 20\.0 \| 0\.75× \| 0 \| 100 MB \|/,
    );
  });

  test('the targets, the skipped contenders with what to install, the versions', () => {
    assert.match(report, /\| the service as shipped ≥ 0\.7 × bare Fastify on `\/` \| 0\.75× \| ✅ met \|/);
    assert.match(report, /Skipped Starlette: needs starlette: apt-get install python3-starlette/);
    assert.match(report, /\| fastify \| 5\.0\.0 \|/);
    assert.match(report, /3\.00 a request/);
  });

  test('says when the machine was shared, and not otherwise', () => {
    assert.doesNotMatch(report, /machine was shared/);
    const busy = results();
    busy.machine.loadBefore = 2.5;
    assert.match(renderReport(busy), /The machine was shared during this run\*\*: the 1-minute load average was 2\.50/);
  });
});
