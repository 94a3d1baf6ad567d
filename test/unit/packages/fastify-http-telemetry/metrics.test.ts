import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, type MetricObject } from '@prometheus-io/client';
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

  /** The family names (`# TYPE`) and sample names of one counter in a scrape body. */
  function counterNames(body: string, family: string): { families: string[]; samples: string[] } {
    return {
      families: [...body.matchAll(/^# TYPE (\S+) counter$/gm)].flatMap(([, name]) =>
        name === family || name === `${family}_total` ? [name] : [],
      ),
      samples: parseExposition(body)
        .filter((s) => s.name.startsWith(family))
        .map((s) => s.name),
    };
  }

  // An app's counter shared by both formats: the client renames counters while it renders
  // OpenMetrics, and that rename must not reach the Prometheus text of later scrapes.
  const TEXT = { openMetrics: false, family: 'orders_total', sample: 'orders_total' };
  const OPEN = { openMetrics: true, family: 'orders', sample: 'orders_total' };
  const orders: Array<[string, Array<typeof TEXT>]> = [
    ['Prometheus text, OpenMetrics, Prometheus text', [TEXT, OPEN, TEXT]],
    ['OpenMetrics, Prometheus text, OpenMetrics', [OPEN, TEXT, OPEN]],
    ['OpenMetrics twice, then Prometheus text twice', [OPEN, OPEN, TEXT, TEXT]],
  ];
  const counters: Array<[string, string[], (counter: Counter<string>) => void, number]> = [
    ['a counter', [], (counter) => counter.inc(3), 1],
    [
      'a counter with labels',
      ['shop'],
      (counter) => {
        counter.inc({ shop: 'north' }, 2);
        counter.inc({ shop: 'south' });
      },
      2,
    ],
  ];
  for (const [what, labelNames, count, series] of counters) {
    for (const [order, scrapes] of orders) {
      test(`${what} keeps its names, scraped as ${order}`, async () => {
        const metrics = createHttpMetrics({ buckets: DEFAULT_BUCKETS, runtimeMetrics: false });
        const counter = new Counter({ name: 'orders_total', help: 'Orders taken.', labelNames, registers: [] });
        metrics.register(counter);
        count(counter);
        for (const [i, { openMetrics, family, sample }] of scrapes.entries()) {
          const { body } = await metrics.render(openMetrics);
          assert.deepEqual(
            counterNames(body, 'orders'),
            { families: [family], samples: Array(series).fill(sample) },
            `scrape ${i + 1} (${openMetrics ? 'OpenMetrics' : 'Prometheus text'})`,
          );
          assert.equal(sumOf(parseExposition(body), sample), 3);
        }
        assert.equal(
          (counter as unknown as MetricObject).name,
          'orders_total',
          "the app's counter object is left as it was",
        );
      });
    }
  }

  test('registering the same metric twice is allowed; another metric of the same name is refused', () => {
    const metrics = createHttpMetrics({ buckets: DEFAULT_BUCKETS, runtimeMetrics: false });
    const counter = new Counter({ name: 'orders_total', help: 'Orders taken.', registers: [] });
    metrics.register(counter);
    metrics.register(counter);
    assert.throws(
      () => metrics.register(new Counter({ name: 'orders_total', help: 'Other.', registers: [] })),
      /already been registered/,
    );
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
