import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parser } from '@grafana/lezer-logql';
import { renderDashboards } from '../../../dashboards/all.ts';
import {
  DASHBOARDS_DIR,
  type DashboardJson,
  panelsOf,
  queriesOf,
  readDashboards,
  referencesIn,
  regexOf,
  substitute,
} from '../../helpers/dashboards.ts';
import { readRepoFile, readRepoYaml } from '../../helpers/repo.ts';

const dashboards = readDashboards();
const provisioned = readRepoYaml<{ datasources: Array<{ uid: string; jsonData?: Record<string, unknown> }> }>(
  'observability/grafana/provisioning/datasources/datasources.yaml',
).datasources;

/** Grafana's own variables, which it fills in from the time range and the panel's width. */
const BUILT_INS = ['__rate_interval', '__interval', '__range', '__auto'];

/** Every `datasource` object anywhere in the JSON: panels, targets, variables, annotations. */
function datasourceUids(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(datasourceUids);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'datasource' && child !== null && typeof child === 'object' && 'uid' in child
      ? [String(child.uid), ...datasourceUids(child)]
      : datasourceUids(child),
  );
}

function byUid(uid: string): DashboardJson {
  const found = dashboards.find(({ dashboard }) => dashboard.uid === uid)?.dashboard;
  assert.ok(found, `dashboard ${uid} exists`);
  return found;
}

describe('generated dashboards', () => {
  test('the committed JSON is exactly what `npm run dashboards` generates', () => {
    const rendered = renderDashboards();
    assert.deepEqual(
      dashboards.map(({ file }) => file),
      [...rendered.keys()].sort(),
      'one file per dashboard, no stale ones: run `npm run dashboards`',
    );
    for (const { file } of dashboards) {
      const committed = readRepoFile(`${DASHBOARDS_DIR}/${file}`);
      assert.equal(committed, rendered.get(file), `${file} is stale: run \`npm run dashboards\``);
    }
  });

  test('rendering twice gives the same bytes: no timestamps, no random ids', () => {
    assert.deepEqual(renderDashboards(), renderDashboards());
  });

  test('stable UIDs, named after their files', () => {
    assert.deepEqual(
      dashboards.map(({ file, dashboard }) => [file, dashboard.uid]),
      [
        ['logs.json', 'logs'],
        ['runtime.json', 'runtime'],
        ['service-overview.json', 'service-overview'],
        ['stack.json', 'stack'],
      ],
    );
  });

  for (const { dashboard } of dashboards) {
    describe(dashboard.title, () => {
      test('every panel has a description, and a unit unless it shows log lines', () => {
        for (const panel of panelsOf(dashboard)) {
          assert.ok((panel.description ?? '').length > 20, `${panel.title}: description`);
          if (panel.type !== 'logs') assert.ok(panel.fieldConfig?.defaults?.unit, `${panel.title}: unit`);
        }
      });

      test('every data source it names is provisioned, by its fixed UID', () => {
        const uids = new Set(datasourceUids(dashboard));
        const known = provisioned.map(({ uid }) => uid);
        assert.ok(uids.size > 0);
        for (const uid of uids) assert.ok(known.includes(uid), `data source ${uid} is provisioned`);
        for (const query of queriesOf(dashboard)) {
          assert.ok(query.datasource, `${query.where}: every query names its data source`);
        }
      });

      test('every variable a query uses is defined', () => {
        const defined = [...(dashboard.templating.list ?? []).map(({ name }) => name), ...BUILT_INS];
        for (const { where, expr } of queriesOf(dashboard)) {
          for (const name of referencesIn(expr)) assert.ok(defined.includes(name), `${where}: $${name} is defined`);
        }
      });
    });
  }
});

describe('LogQL', () => {
  const lokiQueries = dashboards.flatMap(({ dashboard }) =>
    queriesOf(dashboard).filter((query) => query.datasource === 'loki'),
  );
  /** One service and level, several (Grafana's `(a|b)`), All (`.+`); the search box empty and filled. */
  const selections = [
    { job: 'backend', service: 'backend', level: 'error', search: '' },
    {
      job: 'backend',
      service: regexOf(['backend', 'prometheus']),
      level: regexOf(['warn', 'error']),
      search: 'GET /status/{status_code}',
    },
    { job: 'backend', service: '.+', level: '.+', search: 'error' },
  ];

  test('the dashboards have log panels and log metrics', () => {
    assert.ok(lokiQueries.length >= 4);
  });

  for (const query of lokiQueries) {
    test(`${query.dashboard} / ${query.where}: parses with @grafana/lezer-logql`, () => {
      for (const selection of selections) {
        const logql = substitute(query.expr, { ...selection, __auto: '1m' });
        const errors: number[] = [];
        parser.parse(logql).iterate({
          enter: (node) => {
            if (node.type.isError) errors.push(node.from);
          },
        });
        assert.deepEqual(errors, [], `syntax errors at ${errors.join(', ')} in ${logql}`);
        assert.doesNotMatch(logql, /=~"\.\*"/, 'Loki refuses a selector that matches the empty string');
      }
    });
  }

  // test/stack/configs.test.ts checks that the Loki data source's derived field opens Tempo.
  test('log lines link to traces: the log panels query the Loki data source', () => {
    const logPanels = dashboards.flatMap(({ dashboard }) => panelsOf(dashboard).filter((p) => p.type === 'logs'));
    assert.ok(logPanels.length >= 3);
    for (const panel of logPanels) {
      for (const target of panel.targets ?? []) assert.equal(target.datasource?.uid, 'loki', panel.title);
    }
  });
});

describe('what each dashboard answers', () => {
  const cases: Array<{ uid: string; titles: string[] }> = [
    {
      // The Python demo's example dashboard, panel for panel, then what this project adds.
      uid: 'service-overview',
      titles: [
        'Total requests',
        'Requests by route and status',
        'Average duration by route',
        'p99 latency by route',
        'Requests in progress',
        'Requests per second',
        'Service logs',
        'Error ratio (5xx)',
        'Latency percentiles',
        'Latency heatmap',
        'Status codes',
        'Error-budget burn rate (SLO 99.5%)',
        // Replicas (docker compose up --scale backend=N), each its own instance.
        'Requests per second by instance',
      ],
    },
    {
      uid: 'runtime',
      titles: ['CPU', 'Resident memory', 'Heap', 'Event-loop lag', 'Time in garbage collection', 'Garbage collections'],
    },
    {
      uid: 'stack',
      titles: [
        'CPU by container',
        'Memory by container',
        'Targets up by job',
        'Log lines received',
        'Samples ingested',
        'Alerts in Alertmanager',
      ],
    },
    { uid: 'logs', titles: ['Log lines by level', 'Error lines', 'Live logs'] },
  ];
  for (const { uid, titles } of cases) {
    test(`${uid} has its panels`, () => {
      const present = panelsOf(byUid(uid)).map(({ title }) => title);
      for (const title of titles) assert.ok(present.includes(title), `${uid}: "${title}"`);
    });
  }

  test('latency percentiles carry exemplars, which link to traces', () => {
    const latency = queriesOf(byUid('service-overview')).filter(({ expr }) => expr.includes('histogram_quantile'));
    assert.ok(latency.length >= 4);
    for (const query of latency) assert.equal(query.exemplar, true, query.where);
  });

  test('the service and runtime dashboards mark firing alerts; variables take one or several instances', () => {
    for (const uid of ['service-overview', 'runtime']) {
      const dashboard = byUid(uid);
      const annotations = (dashboard.annotations.list ?? []).map((a) => a.target?.expr);
      assert.ok(
        annotations.some((expr) => expr?.startsWith('ALERTS{alertstate="firing"')),
        uid,
      );
      const instance = dashboard.templating.list?.find(({ name }) => name === 'instance');
      assert.equal(instance?.multi, true);
      assert.equal(instance?.includeAll, true);
      assert.equal(instance?.allValue, '.*');
      for (const { where, expr } of queriesOf(dashboard)) {
        assert.doesNotMatch(expr, /instance="\$instance"/, `${where}: several instances need =~`);
      }
    }
  });
});
