import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../helpers/repo.ts';

const ROOT = repoPath('');
const PAGES = [
  'README.md',
  'SECURITY.md',
  'packages/fastify-http-telemetry/README.md',
  ...readdirSync(repoPath('docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
/** `[text](target)`, outside code: inline links only, which is all these pages use. */
const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;
const FENCE = /^```[\s\S]*?^```/gm;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(FENCE, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? '')));
}

for (const page of PAGES) {
  test(`${page}: every relative link and anchor resolves`, () => {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(FENCE, '');
    const targets = [...text.matchAll(LINK)].map((match) => match[1] ?? '').filter((t) => !EXTERNAL.test(t));
    const broken = targets.filter((target) => {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? join(ROOT, page) : join(dirname(join(ROOT, page)), path);
      if (!existsSync(file) || relative(ROOT, file).startsWith('..')) return true;
      if (anchor === undefined || statSync(file).isDirectory()) return false;
      return !anchorsOf(file).has(anchor);
    });
    assert.deepEqual(broken, [], `broken links in ${page}`);
  });
}

test('the slug rule matches GitHub on the headings these pages link to', () => {
  const cases: Array<[string, string]> = [
    ['Settings (environment variables)', 'settings-environment-variables'],
    ['The HTTP contract at the edges', 'the-http-contract-at-the-edges'],
    ['`--verify`', '--verify'],
    ['Speed, against `ab -k`', 'speed-against-ab--k'],
  ];
  for (const [heading, expected] of cases) assert.equal(slug(heading), expected);
});
