import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CpuProfile, packageOf, summarizeProfile } from '../../../bench/cpu-profile.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('packageOf', () => {
  const cases: Array<[string, string, string]> = [
    ['LOG', 'file:///app/node_modules/pino/lib/proto.js', 'pino'],
    ['x', 'file:///app/node_modules/@fastify/otel/index.js', '@fastify/otel'],
    ['x', 'file:///app/node_modules/a/node_modules/b/index.js', 'b'],
    ['record', 'file:///app/src/telemetry/http-telemetry.ts', 'src/telemetry/http-telemetry.ts'],
    ['emit', 'node:events', 'node core'],
    ['(garbage collector)', '', '(garbage collector)'],
    ['writeUtf8String', '', '(native)'],
  ];
  for (const [name, url, expected] of cases)
    test(`${url || name} is ${expected}`, () => assert.equal(packageOf(frame(name, url)), expected));
});

describe('summarizeProfile', () => {
  // root -> handler (src) -> log (pino) -> write (native); root -> (idle)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('handler', 'file:///app/src/routes/root.ts', 9), children: [3] },
      { id: 3, callFrame: frame('LOG', 'file:///app/node_modules/pino/lib/proto.js', 46), children: [4] },
      { id: 4, callFrame: frame('writeUtf8String') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    samples: [2, 3, 4, 4, 5],
    timeDeltas: [100, 100, 100, 100, 600],
  };
  const summary = summarizeProfile(profile);
  const share = (list: typeof summary.byPackage, name: string) => list.find((entry) => entry.name === name);

  test('time and the busy share', () => {
    assert.equal(summary.totalMs, 1);
    assert.equal(summary.busy, 0.4);
  });

  test('self time where the sample landed, inclusive time for everything on its stack', () => {
    assert.deepEqual(share(summary.byPackage, 'pino'), { name: 'pino', self: 0.1, inclusive: 0.3 });
    assert.deepEqual(share(summary.byPackage, 'src/routes/root.ts'), {
      name: 'src/routes/root.ts',
      self: 0.1,
      inclusive: 0.4,
    });
    assert.deepEqual(share(summary.byPackage, '(native)'), { name: '(native)', self: 0.2, inclusive: 0.2 });
  });

  test('functions ranked by self time, named with package and line', () => {
    assert.deepEqual(
      summary.topFunctions.slice(0, 2).map((entry) => entry.name),
      ['(idle)', 'writeUtf8String'],
    );
    assert.ok(summary.topFunctions.some((entry) => entry.name === 'LOG pino:47'));
  });

  test('an empty profile is an error', () => {
    assert.throws(() => summarizeProfile({ nodes: [], samples: [], timeDeltas: [] }), /no samples/);
  });
});
