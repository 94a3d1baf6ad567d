import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Progress } from '../../../traffic/progress.ts';
import { planScenario } from '../../../traffic/scenarios.ts';
import { StreamStats } from '../../../traffic/stats.ts';

/** Collects what progress writes, as a terminal or as a pipe would receive it. */
function output(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (text: string) => chunks.push(text) };
}

const MOVE_UP_6 = '\x1b[6A';
const ERASE_LINE = '\x1b[2K';

function streams(): StreamStats[] {
  return planScenario('smoke', { scale: 1, rate: 1, durationSeconds: 1 }).map((plan) => {
    const stats = new StreamStats(plan);
    stats.startedAt = 0;
    return stats;
  });
}

describe('progress', () => {
  test('on a terminal: one line per stream, redrawn in place', () => {
    const out = output(true, 200);
    const all = streams();
    const progress = new Progress(out, all);
    progress.update(1000);
    for (let i = 0; i < 100; i++) all[0]?.recordResponse(200, 1);
    progress.update(2000);
    assert.equal(out.chunks.length, 2);
    assert.equal(out.chunks[0]?.startsWith(MOVE_UP_6), false);
    assert.ok(out.chunks[1]?.startsWith(MOVE_UP_6), 'moves up over the previous lines');
    const lines = (out.chunks[1] ?? '').split('\n').filter(Boolean);
    assert.equal(lines.length, 6);
    assert.match(lines[0] ?? '', /\[##########\.{10}\]\s+100\/200\s+50%\s+50 req\/s$/);
  });

  test('on a narrow terminal: lines are cut rather than wrapped (wrapping would break the redraw)', () => {
    const out = output(true, 40);
    new Progress(out, streams()).update(1000);
    for (const line of (out.chunks[0] ?? '').split('\n').filter(Boolean)) {
      assert.equal(line.replace(ERASE_LINE, '').length, 39, line);
    }
  });

  test('to a pipe: plain lines for the streams still running, and once for each that ended', () => {
    const out = output(false);
    const all = streams();
    const progress = new Progress(out, all);
    progress.update(1000);
    for (let i = 0; i < 200; i++) all[0]?.recordResponse(200, 1);
    if (all[0]) all[0].endedAt = 1500;
    progress.update(2000);
    progress.update(3000);
    const text = out.chunks.join('');
    assert.ok(!text.includes('\x1b'), 'no escape sequences');
    const root = text.split('\n').filter((line) => /^\[\d+\.\ds\] \/ /.test(line));
    assert.equal(root.length, 2, 'the root stream: once running, once done, then no more');
    assert.match(root[1] ?? '', /200\/200 100% .* done$/);
    assert.equal(text.split('\n').filter((line) => line.includes('/status/400')).length, 3);
  });
});
