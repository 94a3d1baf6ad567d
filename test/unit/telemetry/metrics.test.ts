import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHttpMetrics, durationBuckets, prefersOpenMetrics } from '../../../src/telemetry/metrics.ts';
import { parseExposition, sumOf } from '../../helpers/exposition.ts';

describe('durationBuckets', () => {
  test('resolve sub-millisecond answers and the seed scenario sleeps, and end at the longest sleep', () => {
    const buckets = durationBuckets(60);
    assert.ok(buckets[0] !== undefined && buckets[0] < 0.001);
    for (const bound of [1, 1.25, 2, 2.5]) assert.ok(buckets.includes(bound), `bucket ${bound}`);
    assert.equal(buckets.at(-1), 60);
    assert.deepEqual(
      [...buckets].sort((a, b) => a - b),
      buckets,
    );
  });

  test('follow a configured maximum', () => {
    assert.equal(durationBuckets(3).at(-1), 3);
    assert.ok(durationBuckets(3).every((bound) => bound <= 3));
    assert.equal(durationBuckets(120).at(-1), 120);
  });
});

describe('prefersOpenMetrics', () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['*/*', false],
    ['text/plain', false],
    // Prometheus 2.x
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      true,
    ],
    // Prometheus 3.x
    [
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      true,
    ],
    ['application/openmetrics-text;q=0', false],
    ['text/plain;q=1, application/openmetrics-text;q=0.5', false],
    ['text/html,application/xhtml+xml,*/*;q=0.8', false],
  ];
  for (const [accept, expected] of cases) {
    test(`${expected ? 'OpenMetrics' : 'Prometheus text'} for ${accept ?? 'no Accept header'}`, () => {
      assert.equal(prefersOpenMetrics(accept), expected);
    });
  }
});

describe('createHttpMetrics', () => {
  test('exemplars appear in OpenMetrics only, and counters keep _total in both formats after either', async () => {
    const metrics = createHttpMetrics({ maxSleepSeconds: 60 });
    metrics.requestDuration.observe({
      labels: { http_request_method: 'GET', http_route: '/', http_response_status_code: 200 },
      value: 0.002,
      exemplarLabels: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
    });
    const open = await metrics.render(true);
    const text = await metrics.render(false);
    const textAgain = await metrics.render(false);

    assert.match(open.contentType, /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(text.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(open.body, /# \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736"\} 0\.002 /);
    assert.ok(open.body.endsWith('# EOF\n'));
    assert.doesNotMatch(text.body, /trace_id/);
    for (const body of [open.body, text.body, textAgain.body]) {
      assert.ok(
        parseExposition(body).some((s) => s.name === 'process_cpu_seconds_total'),
        'process_cpu_seconds_total',
      );
      assert.equal(sumOf(parseExposition(body), 'http_server_request_duration_seconds_count'), 1);
    }
  });

  test('runtime metrics the dashboards need are exported', async () => {
    const { body } = await createHttpMetrics({ maxSleepSeconds: 60 }).render(false);
    const names = new Set(parseExposition(body).map((s) => s.name));
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      assert.ok(names.has(name), name);
    }
    // GC samples appear with the first collection; the family is declared from the start.
    assert.match(body, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
  });
});
