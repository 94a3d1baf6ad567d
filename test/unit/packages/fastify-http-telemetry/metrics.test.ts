import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ACTIVE_REQUESTS,
  createHttpMetrics,
  DEFAULT_BUCKETS,
  prefersOpenMetrics,
  REQUEST_DURATION,
} from '../../../../packages/fastify-http-telemetry/src/metrics.ts';
import { parseExposition, sumOf } from '../../../helpers/exposition.ts';

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
    const metrics = createHttpMetrics({ buckets: DEFAULT_BUCKETS, runtimeMetrics: true });
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
      assert.equal(sumOf(parseExposition(body), `${REQUEST_DURATION}_count`), 1);
    }
  });

  test('runtime metrics the dashboards need are exported', async () => {
    const { body } = await createHttpMetrics({ buckets: DEFAULT_BUCKETS, runtimeMetrics: true }).render(false);
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

  test('runtime metrics can be left out; the HTTP metrics stay', async () => {
    const { body } = await createHttpMetrics({ buckets: DEFAULT_BUCKETS, runtimeMetrics: false }).render(false);
    const families = new Set(body.match(/^# TYPE \S+/gm));
    assert.deepEqual(families, new Set([`# TYPE ${REQUEST_DURATION}`, `# TYPE ${ACTIVE_REQUESTS}`]));
  });
});
