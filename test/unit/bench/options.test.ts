import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OptionsError, parseOptions } from '../../../bench/options.ts';

describe('bench options', () => {
  for (const { args, message } of [
    { args: ['--rounds', '0'], message: /^--rounds must be a positive integer: 0$/ },
    { args: ['--duration', '1.5'], message: /^--duration must be a positive integer: 1\.5$/ },
    { args: ['--only', 'fastify,nginx'], message: /^--only: unknown contender nginx$/ },
    { args: ['--profile'], message: /Unknown option '--profile'/ },
  ]) {
    test(`refuses ${args.join(' ')}, naming the flag`, () => {
      assert.throws(
        () => parseOptions(args),
        (error: Error) => error instanceof OptionsError && message.test(error.message),
      );
    });
  }

  test('--quick is one short round; the flags given override it', () => {
    const quick = parseOptions(['--quick']);
    const full = parseOptions([]);
    assert.equal(quick.quick, true);
    assert.ok(quick.rounds * quick.duration < full.rounds * full.duration, 'quick is shorter');
    assert.equal(parseOptions(['--quick', '--rounds', '3']).rounds, 3);
    assert.deepEqual(parseOptions(['--only', 'fastify']).only, ['fastify']);
  });
});
