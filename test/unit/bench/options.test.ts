import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, OptionsError, parseOptions } from '../../../bench/options.ts';

describe('parseOptions', () => {
  test('defaults: the full run', () => {
    const { help, ...options } = parseOptions([]);
    assert.deepEqual(options, DEFAULTS);
    assert.equal(help, false);
  });

  test('--quick shortens everything, and explicit flags still win', () => {
    const options = parseOptions(['--quick', '--rounds', '2']);
    assert.equal(options.durationSeconds, 1);
    assert.equal(options.rounds, 2);
    assert.equal(options.sleepRequests, 1000);
    // A development run never overwrites the committed results.
    assert.equal(options.outDir, 'bench/results');
    assert.equal(parseOptions(['--quick', '--out', 'elsewhere']).outDir, 'elsewhere');
  });

  test('modes that measure nothing', () => {
    assert.equal(parseOptions(['--report']).reportOnly, true);
    assert.equal(parseOptions(['--profile']).profile, true);
    assert.equal(parseOptions(['--help']).help, true);
  });

  test('lists and numbers', () => {
    const options = parseOptions([
      '--only=service,fastify',
      '--render-series',
      '10, 100',
      '--sleep-seconds=0.5',
      '--duration=3',
    ]);
    assert.deepEqual(options.only, ['service', 'fastify']);
    assert.deepEqual(options.renderSeries, [10, 100]);
    assert.equal(options.sleepSeconds, 0.5);
    assert.equal(options.durationSeconds, 3);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--rounds=0'], /--rounds must be a positive integer \(got "0"\)/],
    [['--duration=1.5'], /--duration must be a positive integer/],
    [['--connections=many'], /--connections must be a positive integer/],
    [['--sleep-seconds=-1'], /--sleep-seconds must be a positive number/],
    [['--render-series=10,x'], /--render-series must be a positive integer/],
    [['--bogus'], /bogus/],
  ];
  for (const [argv, error] of bad) {
    test(`rejects ${argv.join(' ')} naming the flag`, () => {
      assert.throws(
        () => parseOptions(argv),
        (thrown: unknown) => thrown instanceof OptionsError && error.test(thrown.message),
      );
    });
  }
});
