import type { BenchResults } from './results.ts';
import { LOAD_SCENARIOS } from './scenarios.ts';

/** The targets, checked against one run's numbers. */

export const SERVICE = 'service';
export const SERVICE_TRACING = 'service-tracing';
const SERVICE_MIN_VS_FASTIFY = 0.7;
const TRACING_MIN_VS_FASTIFY = 0.5;
const SLEEP_REQUESTS = 10_000;
const SLEEP_MAX_RSS_BYTES = 250 * 2 ** 20;
/** Series as Prometheus counts them: sample lines, not label sets. */
const RENDER_SERIES = 1000;
const RENDER_MAX_MS = 10;

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined when this run did not measure it (a contender skipped, a smaller wave). */
  met: boolean | undefined;
}

const times = (value: number) => `${value.toFixed(2)}×`;

function ratioChecks(results: BenchResults, contender: string, minimum: number, what: string): TargetCheck[] {
  return LOAD_SCENARIOS.map(({ id }) => {
    const summary = results.load.find((entry) => entry.contender === contender && entry.scenario === id);
    const ratio = summary?.vsFastify;
    return {
      target: `${what} ≥ ${minimum} × bare Fastify on \`${id}\``,
      measured: ratio === undefined ? 'not measured' : times(ratio),
      met: ratio === undefined ? undefined : ratio >= minimum,
    };
  });
}

function sleepCheck(results: BenchResults): TargetCheck {
  const target = `${SLEEP_REQUESTS.toLocaleString('en-US')} concurrent sleeping requests: 0 errors, RSS < 250 MB`;
  const sleep = results.sleep.find((entry) => entry.contender === SERVICE);
  if (sleep === undefined) return { target, measured: 'not measured', met: undefined };
  const measured = `${sleep.errors} errors of ${sleep.requests.toLocaleString('en-US')}, peak RSS ${Math.round(sleep.peakRssBytes / 2 ** 20)} MB`;
  if (sleep.requests !== SLEEP_REQUESTS) return { target, measured: `${measured} (smaller wave)`, met: undefined };
  return { target, measured, met: sleep.errors === 0 && sleep.peakRssBytes < SLEEP_MAX_RSS_BYTES };
}

/**
 * A series as Prometheus counts them: one sample line (every bucket of a histogram is one). The
 * smallest measured exposition with at least that many is checked, one per format.
 */
function renderChecks(results: BenchResults): TargetCheck[] {
  const target = (format: string) =>
    `\`/metrics\` (${format}) at ${RENDER_SERIES.toLocaleString('en-US')} series < ${RENDER_MAX_MS} ms`;
  const formats = [...new Set(results.render.map((entry) => entry.format))];
  if (formats.length === 0) return [{ target: target('either format'), measured: 'not measured', met: undefined }];
  return formats.map((format) => {
    const [smallest] = results.render
      .filter((entry) => entry.format === format && entry.lines >= RENDER_SERIES)
      .sort((a, b) => a.lines - b.lines);
    if (smallest === undefined) return { target: target(format), measured: 'not measured', met: undefined };
    return {
      target: target(format),
      measured: `${smallest.medianMs.toFixed(1)} ms median at ${smallest.lines.toLocaleString('en-US')} series (${smallest.series} label sets)`,
      met: smallest.medianMs < RENDER_MAX_MS,
    };
  });
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  return [
    ...ratioChecks(results, SERVICE, SERVICE_MIN_VS_FASTIFY, 'the service as shipped'),
    ...ratioChecks(results, SERVICE_TRACING, TRACING_MIN_VS_FASTIFY, 'tracing on'),
    sleepCheck(results),
    ...renderChecks(results),
  ];
}
