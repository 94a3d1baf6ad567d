import { fileURLToPath } from 'node:url';
import { pinned, SERVER_CORE } from './cores.ts';
import { runToCompletion } from './server-process.ts';

const PROBE = fileURLToPath(new URL('./render-probe.ts', import.meta.url));
/** Timed renders per size and format, after the probe's own warm-up renders. */
const RENDERS = 50;

export interface RenderResult {
  format: string;
  /** Label sets of the request-duration histogram; each renders its buckets, sum and count. */
  series: number;
  /** Sample lines in the whole exposition, runtime metrics included. */
  lines: number;
  bytes: number;
  medianMs: number;
  p99Ms: number;
}

/** The service's `/metrics` rendering timed in a fresh process on the server core, once per size. */
export async function measureRender(seriesCounts: number[]): Promise<RenderResult[]> {
  const results: RenderResult[] = [];
  for (const series of seriesCounts) {
    const { command, args } = pinned(SERVER_CORE, process.execPath, [
      PROBE,
      `--series=${series}`,
      `--renders=${RENDERS}`,
    ]);
    results.push(...(JSON.parse(await runToCompletion(command, args)) as RenderResult[]));
  }
  return results;
}
