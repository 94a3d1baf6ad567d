import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { pollUntil } from '../../support/poll.ts';
import type { LogLine } from './app.ts';
import { run, spawnCollected } from './processes.ts';
import { readRepoFile, repoPath } from './repo.ts';

export const PACKAGE_NAME = 'fastify-http-telemetry';
export const PACKAGE_DIR = repoPath(`packages/${PACKAGE_NAME}`);

/** npm's own variables an outside process may keep: where its cache and user config are. */
const NPM_VARIABLES_KEPT = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']);

/**
 * The environment of a process in a fresh app outside the repository. Under `npm test`, npm's
 * variables point into the repository (`npm_config_local_prefix` would make a nested `npm install`
 * write there) and NODE_OPTIONS carries the repository's `--conditions=source`, which would
 * resolve the package to TypeScript sources its tarball does not hold.
 */
export function outsideEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || (key.toLowerCase().startsWith('npm_') && !NPM_VARIABLES_KEPT.has(key))) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs npm (the one beside the running Node) and fails with its output when it does. */
export async function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = outsideEnv()): Promise<string> {
  const result = await run('npm', args, cwd, env);
  assert.equal(result.code, 0, `npm ${args.join(' ')} in ${cwd}:\n${result.output}`);
  return result.stdout;
}

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

/** `npm pack --json` (which builds, through `prepack`): the tarball's path and the files it holds. */
export async function packPackage(destination: string, { dryRun = false } = {}) {
  const args = ['pack', '--json', '--pack-destination', destination, ...(dryRun ? ['--dry-run'] : [])];
  const [packed] = JSON.parse(await npm(args, PACKAGE_DIR)) as PackResult[];
  // No build stays in the repository: a process started without `--conditions=source` would load
  // it beside the sources, two copies of the plugin's state, instead of failing to find it.
  rmSync(join(PACKAGE_DIR, 'dist'), { recursive: true, force: true });
  assert.ok(packed, 'npm pack reported the tarball');
  return { tarball: join(destination, packed.filename), files: packed.files.map(({ path }) => path).sort() };
}

/** A whole example app in the README: a fenced block whose info string is `<lang> <filename>`. */
const EXAMPLE_BLOCK = /^```(\w+) (\S+)\n([\s\S]*?)^```$/gm;
const SHELL_BLOCK = /^```sh\n([\s\S]*?)^```$/gm;

const readme = () => readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');

/** The README's example app written as `filename`, as a user would copy it. */
export function readmeExample(filename: string): string {
  const block = [...readme().matchAll(EXAMPLE_BLOCK)].find((match) => match[2] === filename);
  assert.ok(block?.[3], `the README has a code block for ${filename}`);
  return block[3];
}

/** Every package the README's install section tells a user to `npm install`, in order. */
export function readmeInstalls(): string[] {
  const commands = [...readme().matchAll(SHELL_BLOCK)].flatMap((match) => (match[1] ?? '').split('\n'));
  const names = commands
    .map((line) => line.trim())
    .filter((line) => line.startsWith('npm install '))
    .flatMap((line) => line.slice('npm install '.length).trim().split(/\s+/));
  assert.ok(names.includes(PACKAGE_NAME), `the README's install section installs ${PACKAGE_NAME}`);
  return names;
}

const rootManifest = JSON.parse(readRepoFile('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `name@version` as the repository pins it: the versions tested here, and already in npm's cache. */
export function pinned(name: string): string {
  const version = rootManifest.dependencies[name] ?? rootManifest.devDependencies[name];
  assert.ok(version, `${name} is pinned in the root package.json`);
  return `${name}@${version}`;
}

/**
 * A fresh app as `npm init -y` makes it, without a `"type"` field (npm 11 writes `commonjs`, older
 * npm nothing), with `packages` installed from npm's cache when it can.
 */
export async function createApp(dir: string, packages: string[]): Promise<void> {
  await npm(['init', '-y'], dir);
  const manifestPath = join(dir, 'package.json');
  const { type: _type, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], dir);
}

const LISTENING = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/;

export interface RunningApp {
  url: string;
  /** Its stdout, parsed a line at a time. */
  logs: LogLine[];
  /** Stdout lines that were not JSON. */
  unparsed: string[];
  stdout: () => string;
  stderr: () => string;
}

/** Runs an example app (PORT=0) with `node`, and resolves once it says where it listens on 127.0.0.1. */
export async function startApp(
  t: TestContext,
  { node, cwd, args, env = {} }: { node: string; cwd: string; args: string[]; env?: NodeJS.ProcessEnv },
): Promise<RunningApp> {
  const collected = spawnCollected(node, args, { cwd, env: outsideEnv({ PORT: '0', ...env }) });
  const { child } = collected;
  let exit: string | undefined;
  void collected.exited.then(({ code, signal }) => {
    exit = `exited with ${code ?? signal}`;
  });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await collected.exited;
  });
  const logs: LogLine[] = [];
  const unparsed: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      unparsed.push(line);
    }
  });
  const url = await pollUntil(
    () => {
      if (exit !== undefined) throw new Error(`${args.join(' ')} ${exit}:\n${collected.output()}`);
      return logs.map((line) => LISTENING.exec(line.msg)?.[1]).find(Boolean);
    },
    (found) => found !== undefined,
    { what: `${args.join(' ')} to listen`, deadlineMs: 30_000 },
  );
  return { url: url ?? '', logs, unparsed, stdout: collected.stdout, stderr: collected.stderr };
}
