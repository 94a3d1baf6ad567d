import { run } from './processes.ts';

/**
 * One OpenTelemetry JS release line: the API's minor, the stable packages' major (core, resources,
 * sdk-trace…) and the experimental packages' minor (sdk-node, exporters, instrumentation: 0.x).
 * Mixed lines make npm report invalid peers and, worse, leave spans unrecorded without a word.
 */
export interface OpenTelemetryLine {
  name: string;
  api: string;
  stable: number;
  experimental: number;
}

export const LINE_3X: OpenTelemetryLine = { name: '3.x', api: '1.10', stable: 3, experimental: 301 };
export const LINE_2X: OpenTelemetryLine = { name: '2.x', api: '1.9', stable: 2, experimental: 222 };

/** Released on their own schedule, outside any line. */
const UNVERSIONED = new Set(['@opentelemetry/semantic-conventions']);

interface NpmLsNode {
  version?: string;
  invalid?: string;
  missing?: boolean;
  dependencies?: Record<string, NpmLsNode>;
}

/** Every installed `@opentelemetry/*` package as `name@version`, and npm's own complaints, from `npm ls`. */
export async function installedOpenTelemetry(dir: string): Promise<{ packages: Set<string>; problems: string[] }> {
  // npm ls exits non-zero when it finds problems; its JSON still describes the tree.
  const { stdout } = await run('npm', ['ls', '--all', '--json'], dir);
  const tree = JSON.parse(stdout) as NpmLsNode & { problems?: string[] };
  const packages = new Set<string>();
  const walk = (dependencies: Record<string, NpmLsNode> = {}) => {
    for (const [name, node] of Object.entries(dependencies)) {
      if (name.startsWith('@opentelemetry/') && node.version !== undefined) packages.add(`${name}@${node.version}`);
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  return { packages, problems: tree.problems ?? [] };
}

/** The installed packages that are not on `line`, as `name@version`. */
export function offLine(packages: Iterable<string>, line: OpenTelemetryLine): string[] {
  return [...packages].filter((spec) => {
    const at = spec.lastIndexOf('@');
    const name = spec.slice(0, at);
    const [major, minor] = spec
      .slice(at + 1)
      .split('.')
      .map(Number);
    if (UNVERSIONED.has(name)) return false;
    if (name === '@opentelemetry/api') return `${major}.${minor}` !== line.api;
    return major === 0 ? minor !== line.experimental : major !== line.stable;
  });
}
