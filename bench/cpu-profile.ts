/**
 * Where a `--cpu-prof` profile spent its time: self and inclusive time by package (or `src/`
 * file), and the heaviest functions. Inclusive time counts each sample once per package on
 * its stack, so "pino 20%" means 20% of samples had pino somewhere below them.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Fraction of sampled time, 0 to 1. */
  self: number;
  inclusive: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of time not idle: what the load cost. */
  busy: number;
  byPackage: Share[];
  topFunctions: Share[];
}

const IDLE = '(idle)';
const US_PER_MS = 1000;
const NODE_MODULES = '/node_modules/';

/** The package (`pino`, `@fastify/otel`), the `src/` or `bench/` file, `node:` core, or V8's own buckets. */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf(NODE_MODULES);
  if (modules !== -1) {
    const [first = '', second = ''] = url.slice(modules + NODE_MODULES.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return 'node core';
  const local = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return local?.[1] ?? url;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  return `${name} ${packageOf(frame)}:${frame.lineNumber + 1}`;
}

function ranked(self: Map<string, number>, inclusive: Map<string, number>, total: number, by: 'self' | 'inclusive') {
  const names = new Set([...self.keys(), ...inclusive.keys()]);
  return [...names]
    .map((name) => ({ name, self: (self.get(name) ?? 0) / total, inclusive: (inclusive.get(name) ?? 0) / total }))
    .sort((a, b) => b[by] - a[by]);
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const packageSelf = new Map<string, number>();
  const packageInclusive = new Map<string, number>();
  const functionSelf = new Map<string, number>();
  const functionInclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((leaf, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const leafFrame = nodes.get(leaf)?.callFrame;
    if (leafFrame === undefined) return;
    total += delta;
    if (leafFrame.functionName === IDLE) idle += delta;
    add(packageSelf, packageOf(leafFrame), delta);
    add(functionSelf, functionKey(leafFrame), delta);
    const packages = new Set<string>();
    const functions = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const frame = nodes.get(id)?.callFrame;
      if (frame === undefined || frame.functionName === '(root)') continue;
      packages.add(packageOf(frame));
      functions.add(functionKey(frame));
    }
    for (const name of packages) add(packageInclusive, name, delta);
    for (const name of functions) add(functionInclusive, name, delta);
  });
  if (total === 0) throw new Error('the profile has no samples');
  return {
    totalMs: total / US_PER_MS,
    busy: (total - idle) / total,
    byPackage: ranked(packageSelf, packageInclusive, total, 'self'),
    topFunctions: ranked(functionSelf, functionInclusive, total, 'self').slice(0, top),
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatProfileSummary(title: string, summary: ProfileSummary, top = 20): string {
  const rows = (shares: Share[]) =>
    shares.slice(0, top).map((share) => `| ${share.name} | ${percent(share.self)} | ${percent(share.inclusive)} |`);
  return [
    `### ${title}`,
    '',
    `${(summary.totalMs / US_PER_MS).toFixed(1)} s sampled, ${percent(summary.busy)} busy.`,
    '',
    '| package or file | self | inclusive |',
    '| --- | --- | --- |',
    ...rows(summary.byPackage),
    '',
    '| function | self | inclusive |',
    '| --- | --- | --- |',
    ...rows(summary.topFunctions),
    '',
  ].join('\n');
}
