import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { outsideEnv, PACKAGE_DIR, PACKAGE_NAME, packPackage } from '../../../helpers/packed-package.ts';
import { run, scratchDir } from '../../../helpers/processes.ts';

/** Besides the build, the only files a user receives. */
const PACKED_DOCS = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
/** The one warning a dry run gives where no one is logged in to the registry: not about the package. */
const NOT_LOGGED_IN = /^npm warn publish This command requires you to be logged in to .* \(dry-run\)$/;

const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };

describe(`${PACKAGE_NAME}, as npm would publish it`, () => {
  test('the tarball holds exactly the docs and, for every source module, its JavaScript and declarations', async (t) => {
    const { files } = await packPackage(scratchDir(t, `${PACKAGE_NAME}-pack-`), { dryRun: true });
    const modules = readdirSync(join(PACKAGE_DIR, 'src'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.slice(0, -'.ts'.length));
    assert.ok(modules.includes('index'));
    const built = modules.flatMap((module) => [`dist/${module}.d.ts`, `dist/${module}.js`]);
    // No tests, fixtures, TypeScript sources, source maps or build info.
    assert.deepEqual(files, [...PACKED_DOCS, ...built].sort());
    // Nothing left pointing at a map the tarball does not hold.
    for (const file of built) {
      assert.doesNotMatch(readFileSync(join(PACKAGE_DIR, file), 'utf8'), /sourceMappingURL/, file);
    }
  });

  test('npm publish --dry-run is clean: no warning about the package', async () => {
    const { code, stdout, stderr, output } = await run('npm', ['publish', '--dry-run'], PACKAGE_DIR, outsideEnv());
    assert.equal(code, 0, output);
    assert.match(stdout, new RegExp(`^\\+ ${PACKAGE_NAME}@${manifest.version.replaceAll('.', '\\.')}$`, 'm'));
    const warnings = stderr.split('\n').filter((line) => /^npm (warn|error)/i.test(line) && !NOT_LOGGED_IN.test(line));
    assert.deepEqual(warnings, []);
  });
});
