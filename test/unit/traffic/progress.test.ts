import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Progress, progressLine } from '../../../traffic/progress.ts';
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
    assert.match(lines[0] ?? '', /\[#####\.{5}\]\s+100\/200\s+50 req\/s\s+2\.0s$/);
  });

  /** The Python demo's streams, stopped early with errors: the widest lines progress draws. */
  function stoppedWithErrors(): StreamStats[] {
    return planScenario('seed', { scale: 1, rate: 1, durationSeconds: 1 }).map((plan) => {
      const stats = new StreamStats(plan);
      stats.startedAt = 0;
      for (let i = 0; i < 1234; i++) stats.recordFailure('ECONNRESET');
      stats.endedAt = 99_000;
      return stats;
    });
  }

  const widths: Array<{ columns: number; keeps: RegExp[] }> = [
    { columns: 200, keeps: [/^\/\S* +\[[#.]{10}\] +1234\/\d+ +\d+ req\/s +99\.0s {2}1234 errors {2}stopped$/] },
    { columns: 100, keeps: [/\[[#.]{10}\]/, /req\/s/, /1234 errors {2}stopped$/] },
    { columns: 80, keeps: [/^\/\S*[^…] /, /1234\/\d+ /, /1234 errors {2}stopped$/] },
    { columns: 60, keeps: [/1234\/\d+ /, /1234 errors {2}stopped$/] },
    { columns: 40, keeps: [/^\/\S* +1234\/\d+ {2}1234 errors$/] },
    { columns: 12, keeps: [/^\/\S*$/] },
  ];
  for (const { columns, keeps } of widths) {
    test(`on a ${columns}-column terminal: every line fits, no word is cut, what matters most stays`, () => {
      const out = output(true, columns);
      const all = stoppedWithErrors();
      new Progress(out, all).update(99_000);
      const full = new Set(all.flatMap((s) => progressLine(s, 27, 99_000).split(/\s+/)));
      const lines = (out.chunks[0] ?? '').split('\n').filter(Boolean);
      assert.equal(lines.length, all.length);
      for (const drawn of lines) {
        assert.ok(drawn.startsWith(ERASE_LINE));
        const line = drawn.slice(ERASE_LINE.length);
        // A line as wide as the terminal wraps on some, breaking the redraw.
        assert.ok(line.length < columns, `${line.length} columns: ${line}`);
        for (const word of line.trim().split(/\s+/)) {
          // A path may lose its middle to an ellipsis; nothing else may be shortened.
          const [head = '', tail] = word.split('…');
          const whole =
            full.has(word) || [...full].some((w) => tail !== undefined && w.startsWith(head) && w.endsWith(tail));
          assert.ok(whole, `"${word}" is cut, in: ${line}`);
        }
        for (const kept of keeps) assert.match(line, kept);
      }
    });
  }

  test('to a pipe: plain lines for the streams still running, and once for each that ended, with its own time', () => {
    const out = output(false);
    const all = streams();
    const progress = new Progress(out, all);
    progress.update(1000);
    for (let i = 0; i < 200; i++) all[0]?.recordResponse(200, 1);
    all[1]?.recordResponse(302, 1);
    if (all[0]) all[0].endedAt = 1500;
    progress.update(2000);
    progress.update(3000);
    const text = out.chunks.join('');
    assert.ok(!text.includes('\x1b'), 'no escape sequences');
    const root = text.split('\n').filter((line) => line.startsWith('/ '));
    assert.equal(root.length, 2, 'the root stream: once running, once done, then no more');
    assert.match(root[1] ?? '', /200\/200 +133 req\/s +1\.5s {2}done$/, "its own 1.5 s, not the run's 2 s");
    const status400 = text.split('\n').filter((line) => line.startsWith('/status/400'));
    assert.equal(status400.length, 3);
    assert.match(status400[2] ?? '', /1\/20 .* 3\.0s {2}1 error$/);
  });

  test('a line of the Python demo fits 80 columns, done or not', () => {
    const all = planScenario('seed', { scale: 1, rate: 1, durationSeconds: 1 }).map((plan) => new StreamStats(plan));
    const width = Math.max(...all.map((s) => s.plan.path.length));
    for (const stats of all) {
      for (let i = 0; i < stats.planned; i++) stats.recordResponse(stats.plan.expect, 1);
      stats.endedAt = 99_000;
      assert.ok(progressLine(stats, width, 99_000).length <= 80, progressLine(stats, width, 99_000));
    }
  });
});
