import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, parseDuration, parseOptions, USAGE, UsageError } from '../../../traffic/args.ts';

describe('traffic flags', () => {
  test("no flags: the Python demo's mix (seed) against the local stack", () => {
    const options = parseOptions([]);
    assert.equal(options.url.href, 'http://localhost:8080/');
    assert.equal(options.prometheus.href, 'http://localhost:9090/');
    assert.deepEqual(
      [options.scenario, options.scale, options.json, options.verify, options.help],
      ['seed', 1, false, false, false],
    );
    assert.equal(options.rate, DEFAULTS.rate);
    assert.equal(options.job, 'backend');
  });

  for (const [argv, expected] of [
    [['--scenario', 'smoke', '--scale', '0.5'], { scenario: 'smoke', scale: 0.5 }],
    [['--scenario=seed', '--scale=.01', '--json'], { scenario: 'seed', scale: 0.01, json: true }],
    [
      ['--scenario', 'steady', '--rate', '50', '--duration', '90s'],
      { scenario: 'steady', rate: 50, durationSeconds: 90 },
    ],
    [['--scenario', 'steady', '--duration', '2m'], { scenario: 'steady', durationSeconds: 120 }],
    [['--verify', '--prometheus', 'http://127.0.0.1:19090'], { verify: true }],
    [['--verify', '--job', 'backend-replicas'], { verify: true, job: 'backend-replicas' }],
    [['--job=node:app.v2'], { job: 'node:app.v2' }],
    [['-h'], { help: true }],
  ] as const) {
    test(`accepts ${argv.join(' ')}`, () => {
      const options = parseOptions(argv);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(options[key as keyof typeof options], value, key);
      }
    });
  }

  test('--prometheus without --verify is accepted (compose passes it always)', () => {
    assert.equal(parseOptions(['--prometheus', 'http://prometheus:9090']).prometheus.host, 'prometheus:9090');
  });

  for (const [argv, message] of [
    [['--nope'], /^unknown flag --nope$/],
    [['--scenario', 'nope'], /^unknown scenario "nope": choose seed, smoke, steady$/],
    [['--scenario'], /^--scenario needs a value$/],
    [['--json=yes'], /^--json takes no value$/],
    [['extra'], /^unexpected argument "extra"$/],
    [['--scale', '0'], /^--scale must be a number above 0/],
    [['--scale', '-1'], /^--scale needs a value \(for one that starts with "-", write --scale=VALUE\)$/],
    [['--scale=-1'], /^--scale must be a number above 0, at most 1000 \(got "-1"\)$/],
    [['--scale', 'abc'], /^--scale must be a number above 0/],
    [['--scale', '1e3'], /^--scale must be a number above 0/],
    [['--scale', '100000'], /^--scale must be .* at most 1000/],
    [['--scenario', 'steady', '--rate', '0'], /^--rate must be a number of requests per second above 0/],
    [
      ['--scenario', 'steady', '--duration', '5x'],
      /^--duration must be a duration such as 90s, 5m or 1h \(got "5x"\)$/,
    ],
    [['--scenario', 'steady', '--duration', '0s'], /^--duration must be a duration/],
    [['--duration', '10s'], /^--duration and --rate apply to --scenario steady only$/],
    [['--scenario', 'smoke', '--rate', '5'], /^--duration and --rate apply to --scenario steady only$/],
    [['--scenario', 'steady', '--scale', '2'], /^--scale applies to the seed and smoke scenarios/],
    [
      ['--url', 'localhost:8080'],
      /^--url must be an http:\/\/ URL such as http:\/\/localhost:8080 \(got "localhost:8080"\)$/,
    ],
    [['--url', 'https://example.com'], /^--url must be an http:\/\/ URL/],
    [['--url', 'http://localhost:8080/?a=1'], /^--url must be an http:\/\/ URL/],
    [['--prometheus', 'not a url'], /^--prometheus must be an http:\/\/ URL/],
    [['--job', 'a"b'], /^--job must be a Prometheus job name: letters, digits, _ \. : - \(got "a\\"b"\)$/],
    [['--job='], /^--job must be a Prometheus job name/],
    [['--job'], /^--job needs a value$/],
  ] as const) {
    test(`refuses ${argv.join(' ')} with one line`, () => {
      assert.throws(
        () => parseOptions(argv),
        (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }

  test('--help names every exit status, SIGTERM included, within 80 columns', () => {
    for (const status of ['0', '1', '2', '130', '143']) assert.match(USAGE, new RegExp(`^  ${status} +\\S`, 'm'));
    assert.match(USAGE, /^ {2}--job NAME +the scrape job .*\n +\(default backend\)$/m);
    for (const line of USAGE.split('\n')) assert.ok(line.length <= 80, line);
  });

  for (const [raw, seconds] of [
    ['90', 90],
    ['90s', 90],
    ['1.5m', 90],
    ['1h', 3600],
    ['500ms', 0.5],
  ] as const) {
    test(`--duration ${raw} is ${seconds} s`, () => assert.equal(parseDuration(raw), seconds));
  }
});
