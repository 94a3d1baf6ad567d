import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planScenario } from '../../../traffic/scenarios.ts';
import { StreamStats } from '../../../traffic/stats.ts';
import { renderTable, summarize } from '../../../traffic/summary.ts';

/** The smoke scenario's streams with made-up outcomes: every request answered with the stream's status. */
function finishedStreams(): StreamStats[] {
  const streams = planScenario('smoke', { scale: 1, rate: 1, durationSeconds: 1 }).map((plan) => new StreamStats(plan));
  for (const stats of streams) {
    const status = Number(/\/status\/(\d+)/.exec(stats.plan.path)?.[1] ?? 200);
    for (let i = 1; i <= stats.planned; i++) stats.recordResponse(status, i / 10);
    stats.startedAt = 0;
    stats.endedAt = 2000;
  }
  return streams;
}

describe('summary', () => {
  test('accounts for every request: per stream and in the totals', () => {
    const streams = finishedStreams();
    streams[0]?.recordError('ECONNRESET');
    const summary = summarize(streams, { scenario: 'smoke', url: 'http://127.0.0.1:1/', interrupted: false });
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
    // Latencies 0.1 ms … 20 ms in steps of 0.1: nearest-rank p50 is 10 ms, p99 19.8 ms (within 0.1 %).
    const latency = summary.streams[0]?.latencyMs;
    assert.ok(Math.abs((latency?.p50 ?? 0) - 10) <= 0.01, String(latency?.p50));
    assert.ok(Math.abs((latency?.p99 ?? 0) - 19.8) <= 0.02, String(latency?.p99));
    assert.equal(latency?.max, 20);
  });

  test('is plain JSON with streams and totals', () => {
    const summary = summarize(finishedStreams(), { scenario: 'smoke', url: 'http://x/', interrupted: false });
    const parsed = JSON.parse(JSON.stringify(summary));
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

  test('the table has a row per stream, a column per status, and a total', () => {
    const streams = finishedStreams();
    streams[3]?.recordError('ECONNREFUSED');
    const table = renderTable(summarize(streams, { scenario: 'smoke', url: 'http://x/', interrupted: false }));
    const [header, ...rows] = table.split('\n');
    assert.match(
      header ?? '',
      /^STREAM\s+LOAD\s+SENT\s+200\s+400\s+409\s+500\s+ERRORS\s+REQ\/S\s+P50 MS\s+P95 MS\s+P99 MS$/,
    );
    assert.match(rows[0] ?? '', /^\/\s+c=5\s+200\s+200\s+-\s+-\s+-\s+0\s+100\.0\s/);
    assert.match(rows[3] ?? '', /^\/status\/500\s+c=2\s+51\s+-\s+-\s+-\s+50\s+1\s/);
    assert.match(rows[6] ?? '', /^total\s+316\s+215\s+20\s+30\s+50\s+1\s+158\.0\s/);
    assert.equal(rows[7], '/status/500: 1 failed with ECONNREFUSED');
  });

  test('an interrupted run says so, with the requests abandoned in flight', () => {
    const streams = finishedStreams();
    if (streams[4]) streams[4].aborted = 7;
    const table = renderTable(summarize(streams, { scenario: 'smoke', url: 'http://x/', interrupted: true }));
    assert.match(table, /Interrupted after 2\.0 s: 7 requests in flight were abandoned/);
  });
});
