import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { syntaxErrors } from '../../../scripts/check-syntax.ts';
import { repoPath } from '../../helpers/repo.ts';

/**
 * Where the repository's own YAML and JSON live; installed and generated trees stay out, and so
 * do Helm templates (Go templates, parsed once rendered by test/deploy/; the hook skips them too).
 */
const NOT_OURS = [
  '**/node_modules/**',
  '.git/**',
  '.tools/**',
  'test-results/**',
  'bench/results/**',
  'deploy/helm/*/templates/**',
  'test/deploy/fixtures/tpl-charts/**/templates/**',
];

describe('check-syntax', () => {
  const cases = [
    { name: 'valid YAML, two documents', path: 'a.yaml', text: 'a: 1\n---\nb: [1, 2]\n', errors: [] },
    { name: 'a duplicate key', path: 'a.yml', text: 'a: 1\na: 2\n', errors: [{ line: 2, col: 1 }] },
    { name: 'an unclosed flow sequence', path: 'a.yaml', text: 'a: [1, 2\nb: 3\n', errors: [{ line: 2, col: 1 }] },
    { name: 'a broken second document', path: 'a.yaml', text: 'a: 1\n---\nb: {\n', errors: [{ line: 4, col: 1 }] },
    { name: 'valid JSON', path: 'a.json', text: '{"a": [1, 2]}\n', errors: [] },
    { name: 'a missing brace', path: 'a.json', text: '{"a": 1,\n "b": 2\n', errors: [{ line: 3, col: 1 }] },
    { name: 'a value missing', path: 'a.json', text: '{"a": }', errors: [{}] },
  ];
  for (const { name, path, text, errors } of cases) {
    test(`${name}: ${errors.length} error(s)`, () => {
      const found = syntaxErrors(path, text);
      assert.deepEqual(
        found.map(({ line, col }) => (line === undefined ? {} : { line, col })),
        errors,
      );
      for (const { message } of found) assert.doesNotMatch(message, /\n/, 'one line per error');
    });
  }

  test('every YAML and JSON file of the repository parses (what the pre-commit hook checks)', () => {
    const files = globSync('**/*.{json,yml,yaml}', { cwd: repoPath(''), exclude: NOT_OURS });
    assert.ok(files.includes('compose.yaml') && files.includes('package.json'), 'the walk finds the repo files');
    for (const file of files) {
      assert.deepEqual(syntaxErrors(file, readFileSync(repoPath(file), 'utf8')), [], file);
    }
  });
});
