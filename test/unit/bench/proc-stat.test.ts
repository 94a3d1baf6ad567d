import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { cpuTicks, statusBytes } from '../../../bench/proc-stat.ts';

describe('cpuTicks', () => {
  test('sums utime and stime, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 1000 0 0 0 700 42 0 0 20 0 11 0 100 1000000 5000';
    assert.equal(cpuTicks(stat), 742);
  });

  test('reads this very process', () => {
    assert.ok(cpuTicks(readFileSync('/proc/self/stat', 'utf8')) >= 0);
  });

  test('fails on a line it cannot read', () => {
    assert.throws(() => cpuTicks('garbage'), /unreadable/);
  });
});

describe('statusBytes', () => {
  const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
  const cases: Array<[string, number]> = [
    ['VmRSS', 100 * 2 ** 20],
    ['VmHWM', 200 * 2 ** 20],
  ];
  for (const [field, bytes] of cases) test(`${field} in bytes`, () => assert.equal(statusBytes(status, field), bytes));
  test('a missing field is an error', () => assert.throws(() => statusBytes(status, 'VmSwap'), /no VmSwap/));
});
