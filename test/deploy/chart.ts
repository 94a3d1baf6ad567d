import type { TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { run } from '../helpers/processes.ts';
import { repoPath } from '../helpers/repo.ts';
import { requireTool } from '../helpers/require-tool.ts';

export const CHART = 'deploy/helm/backend';
/** Every optional part of the chart switched on. */
export const ALL_ON_VALUES = `${CHART}/ci/all-on-values.yaml`;
/** A current Kubernetes (helm 4.1's client line) and the Prometheus Operator's API. */
export const KUBE_VERSION = '1.35.0';
export const MONITORING_API = 'monitoring.coreos.com/v1';
export const RELEASE = 'demo';
export const NAMESPACE = 'apps';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** helm from PATH (`make helm` or .ci/run puts it there); undefined when skipped locally. */
export function requireHelm(t: TestContext): string | undefined {
  return requireTool(t, 'helm', 'run "make helm" (pinned helm 4.1.4 into .tools/helm/bin; make test installs it too)');
}

/** helm's own notices on stderr (helm 4 reports each followed symlink at INFO level). */
export function helmErrors(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('level=INFO'))
    .join('\n');
}

/** `helm template` of the chart; the exit code and output, without throwing. */
export async function helmTemplate(helm: string, args: readonly string[] = []) {
  return run(helm, [
    'template',
    RELEASE,
    repoPath(CHART),
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    '--api-versions',
    MONITORING_API,
    ...args,
  ]);
}

/** The rendered objects of `helm template`, failing on any helm error. */
export async function renderChart(helm: string, args: readonly string[] = []): Promise<K8sObject[]> {
  const result = await helmTemplate(helm, args);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.output}`);
  return manifestObjects(result.stdout);
}

/** The objects of a multi-document manifest, failing on any YAML error. */
export function manifestObjects(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0] as K8sObject;
}
