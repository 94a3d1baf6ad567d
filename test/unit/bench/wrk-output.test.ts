import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWrkOutput, unexpectedStatuses } from '../../../bench/wrk-output.ts';

const WRK_STDOUT = `Running 5s test @ http://127.0.0.1:40000/status/500
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   712.00us  120.00us   9.81ms   91.00%
    Req/Sec    70.12k     1.01k   72.00k    80.00%
  350000 requests in 5.00s, 90.00MB read
  Non-2xx or 3xx responses: 350000
Requests/sec:  70000.00
Transfer/sec:     18.00MB
BENCH_RESULT {"requests":350000,"duration_us":5000000,"bytes":94371840,"errors":{"connect":0,"read":2,"write":1,"status":350000,"timeout":3},"latency_us":{"p50":650,"p99":2125,"max":9810}}
`;

describe('parseWrkOutput', () => {
  test('reads totals, rate, percentiles in ms and error counts from the report line', () => {
    assert.deepEqual(parseWrkOutput(WRK_STDOUT), {
      requests: 350_000,
      durationSeconds: 5,
      requestsPerSecond: 70_000,
      p50Ms: 0.65,
      p99Ms: 2.125,
      maxMs: 9.81,
      socketErrors: 6,
      statusAbove399: 350_000,
    });
  });

  const broken: Array<[string, string, RegExp]> = [
    ['no report line (script not loaded)', 'Running 5s test @ http://x/\n', /printed no BENCH_RESULT line/],
    [
      'a field missing',
      'BENCH_RESULT {"requests":1,"duration_us":1,"errors":{"connect":0},"latency_us":{"p50":1,"p99":1,"max":1}}',
      /unexpected wrk result/,
    ],
    [
      'a zero duration',
      'BENCH_RESULT {"requests":0,"duration_us":0,"bytes":0,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"latency_us":{"p50":0,"p99":0,"max":0}}',
      /unexpected wrk result/,
    ],
    [
      'a negative count',
      'BENCH_RESULT {"requests":-1,"duration_us":1,"bytes":0,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"latency_us":{"p50":0,"p99":0,"max":0}}',
      /unexpected wrk result/,
    ],
  ];
  for (const [what, stdout, error] of broken) {
    test(`fails clearly on ${what}`, () => {
      assert.throws(() => parseWrkOutput(stdout), error);
    });
  }
});

describe('unexpectedStatuses', () => {
  const result = parseWrkOutput(WRK_STDOUT);
  const cases: Array<[string, number, number, number]> = [
    ['every answer a 500, as /status/500 should be', 500, 350_000, 0],
    ['some answers 200 on /status/500', 500, 349_990, 10],
    ['no errors on /', 200, 0, 0],
    ['some 5xx on /', 200, 7, 7],
  ];
  for (const [what, expected, statusAbove399, unexpected] of cases) {
    test(what, () => {
      assert.equal(unexpectedStatuses({ ...result, statusAbove399 }, expected), unexpected);
    });
  }
});
