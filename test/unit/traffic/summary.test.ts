import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planScenario, type ScenarioName } from '../../../traffic/scenarios.ts';
import { StreamStats } from '../../../traffic/stats.ts';
import { renderTable, summarize, TABLE_COLUMNS } from '../../../traffic/summary.ts';

const RUN = { scenario: 'smoke', url: 'http://127.0.0.1:1/', interrupted: false };

/**
 * A scenario's streams with made-up outcomes: every request answered with the status asked for,
 * latencies 0.1 ms, 0.2 ms, … and the stream ending `endedAt` ms after the start.
 */
function finishedStreams(
  name: ScenarioName = 'smoke',
  { scale = 1, rate = 1, endedAt = 2000, latencyStepMs = 0.1 } = {},
): StreamStats[] {
  const streams = planScenario(name, { scale, rate, durationSeconds: 60 }).map((plan) => new StreamStats(plan));
  for (const stats of streams) {
    for (let i = 1; i <= stats.planned; i++) stats.recordResponse(stats.plan.expect, i * latencyStepMs);
    stats.startedAt = 0;
    stats.endedAt = endedAt;
  }
  return streams;
}

describe('summary', () => {
  test('accounts for every request: per stream and in the totals', () => {
    const streams = finishedStreams();
    streams[0]?.recordFailure('ECONNRESET');
    const summary = summarize(streams, RUN);
    assert.deepEqual(
      summary.streams.map((s) => [s.path, s.sent, s.statuses, s.errors]),
      [
        ['/', 201, { 200: 200 }, 1],
        ['/status/400', 20, { 400: 20 }, 0],
        ['/status/409', 30, { 409: 30 }, 0],
        ['/status/500', 50, { 500: 50 }, 0],
        ['/status/200?seconds_sleep=1', 10, { 200: 10 }, 0],
        ['/status/200?seconds_sleep=2', 5, { 200: 5 }, 0],
      ],
    );
    assert.deepEqual(summary.totals.statuses, { 200: 215, 400: 20, 409: 30, 500: 50 });
    assert.equal(summary.totals.sent, 316);
    assert.equal(summary.totals.errors, 1);
    assert.equal(summary.totals.requestsPerSecond, 158);
    assert.deepEqual(summary.streams[0]?.errorKinds, { ECONNRESET: 1 });
    // Latencies 0.1 ms … 20 ms in steps of 0.1: p50 is 10 ms, p99 19.8 ms, within the histogram's 0.1 %.
    const latency = summary.streams[0]?.latencyMs;
    assert.ok(Math.abs((latency?.p50 ?? 0) - 10) <= 0.01, String(latency?.p50));
    assert.ok(Math.abs((latency?.p99 ?? 0) - 19.8) <= 0.02, String(latency?.p99));
    assert.ok(Math.abs((latency?.max ?? 0) - 20) <= 0.02, String(latency?.max));
  });

  test('an answer with another status than the stream asked for is an error, named by its status', () => {
    const streams = finishedStreams();
    for (let i = 0; i < 3; i++) streams[1]?.recordResponse(302, 1);
    streams[1]?.recordResponse(404, 1);
    const summary = summarize(streams, RUN);
    const stream = summary.streams[1];
    assert.deepEqual(
      [stream?.sent, stream?.statuses, stream?.errors, stream?.errorKinds],
      [24, { 302: 3, 400: 20, 404: 1 }, 4, { 'HTTP 302': 3, 'HTTP 404': 1 }],
    );
    assert.equal(summary.totals.errors, 4);
    const table = renderTable(summary);
    assert.match(table, /^\/status\/400\s+c=2\s+24\s+4\s/m);
    assert.match(table, /^\/status\/400: 3 answered 302, expected 400$/m);
    assert.match(table, /^\/status\/400: 1 answered 404, expected 400$/m);
  });

  test('a stream that finished early keeps its own elapsed time and rate', () => {
    const streams = finishedStreams();
    if (streams[0]) streams[0].endedAt = 500;
    const summary = summarize(streams, RUN);
    assert.equal(summary.elapsedSeconds, 2);
    assert.equal(summary.streams[0]?.elapsedSeconds, 0.5);
    assert.equal(summary.streams[0]?.requestsPerSecond, 400);
    assert.match(renderTable(summary), /^\/\s+c=5\s+200\s+0\s+400\s.*\s0\.5$/m);
  });

  test('is plain JSON with streams and totals', () => {
    const parsed = JSON.parse(JSON.stringify(summarize(finishedStreams(), RUN)));
    assert.deepEqual(Object.keys(parsed.totals).sort(), [
      'aborted',
      'errors',
      'latencyMs',
      'requestsPerSecond',
      'sent',
      'statuses',
    ]);
    assert.deepEqual(Object.keys(parsed.totals.latencyMs).sort(), ['max', 'mean', 'p50', 'p95', 'p99']);
    assert.equal(parsed.streams.length, 6);
  });

  test('the table: a row per stream and a total, then the answers by status', () => {
    const streams = finishedStreams();
    streams[3]?.recordFailure('ECONNREFUSED');
    const [header, ...rows] = renderTable(summarize(streams, RUN)).split('\n');
    assert.match(header ?? '', /^STREAM\s+LOAD\s+SENT\s+ERRORS\s+REQ\/S\s+P50\s+P95\s+P99\s+TIME$/);
    assert.match(rows[0] ?? '', /^\/\s+c=5\s+200\s+0\s+100\s+10\.0\s+19\.0\s+19\.8\s+2\.0$/);
    assert.match(rows[3] ?? '', /^\/status\/500\s+c=2\s+51\s+1\s+26\s/);
    assert.match(rows[6] ?? '', /^total\s+316\s+1\s+158\s/);
    assert.equal(rows[8], 'Answers by status: 200: 215  400: 20  409: 30  500: 50');
    assert.equal(rows[9], '/status/500: 1 failed with ECONNREFUSED');
  });

  for (const [name, scenario, outcome] of [
    ['the Python demo at full size, 2 s sleeps', 'seed', { endedAt: 200_000, latencyStepMs: 0.5 }],
    ['the Python demo ×10, 8 s answers, 40 minutes', 'seed', { scale: 10, endedAt: 2_400_000, latencyStepMs: 0.04 }],
    ['steady at 1000 requests/s', 'steady', { rate: 1000, endedAt: 60_000 }],
  ] as const) {
    test(`the table fits ${TABLE_COLUMNS} columns: ${name}`, () => {
      const streams = finishedStreams(scenario, outcome);
      streams[0]?.recordFailure('ECONNRESET');
      const table = renderTable(summarize(streams, { ...RUN, scenario }));
      const [, ...rows] = table.split('\n');
      assert.ok(rows.length >= 7);
      for (const line of table.split('\n').slice(0, 10)) {
        assert.ok(line.length <= TABLE_COLUMNS, `${line.length} columns: ${line}`);
      }
    });
  }

  test('an interrupted run says so, with the requests abandoned in flight', () => {
    const streams = finishedStreams();
    if (streams[4]) streams[4].aborted = 7;
    const table = renderTable(summarize(streams, { ...RUN, interrupted: true }));
    assert.match(table, /^Interrupted after 2\.0 s: 7 in flight abandoned \(not counted above\)\.$/m);
  });
});
