import type { StreamStats } from './stats.ts';

/** How often progress is shown: redrawn in place on a terminal, appended as plain lines otherwise. */
export const TTY_INTERVAL_MS = 250;
export const PLAIN_INTERVAL_MS = 5000;
const BAR_WIDTH = 20;
const ERASE_LINE = '\x1b[2K';
const cursorUp = (lines: number) => `\x1b[${lines}A`;

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: longer lines would wrap and break the redraw. */
  columns?: number;
}

function percent(stats: StreamStats): number {
  return stats.planned === 0 ? 100 : Math.floor((100 * stats.sent) / stats.planned);
}

/** One stream's state in one line: how far, how fast, how many failed. */
export function progressLine(stats: StreamStats, pathWidth: number, now = performance.now()): string {
  const state = stats.endedAt === undefined ? '' : stats.sent === stats.planned ? '  done' : '  stopped';
  const filled = Math.round((BAR_WIDTH * percent(stats)) / 100);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const counts = `${stats.sent}/${stats.planned}`.padStart(13);
  const rate = `${Math.round(stats.requestsPerSecond(now))} req/s`.padStart(12);
  const errors = stats.errorCount > 0 ? `  ${stats.errorCount} errors` : '';
  return `${stats.plan.path.padEnd(pathWidth)} ${bar} ${counts} ${String(percent(stats)).padStart(3)}% ${rate}${errors}${state}`;
}

/**
 * Live progress, one line per stream: redrawn in place on a terminal, or, when the output is a file or
 * a pipe, printed every few seconds for the streams still running and once as each one ends.
 */
export class Progress {
  readonly #out: ProgressOutput;
  readonly #streams: StreamStats[];
  readonly #pathWidth: number;
  readonly #tty: boolean;
  readonly #reported = new Set<StreamStats>();
  #timer: NodeJS.Timeout | undefined;
  #drawn = 0;

  constructor(out: ProgressOutput, streams: StreamStats[]) {
    this.#out = out;
    this.#streams = streams;
    this.#tty = out.isTTY === true;
    this.#pathWidth = Math.max(...streams.map((s) => s.plan.path.length));
  }

  start(): void {
    this.#timer = setInterval(() => this.update(), this.#tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS);
    this.#timer.unref();
    this.update();
  }

  /** Draws the final state and stops updating. */
  stop(): void {
    clearInterval(this.#timer);
    this.update();
  }

  update(now = performance.now()): void {
    if (this.#tty) {
      const width = (this.#out.columns ?? Number.POSITIVE_INFINITY) - 1;
      const lines = this.#streams.map((s) => `${ERASE_LINE}${progressLine(s, this.#pathWidth, now).slice(0, width)}\n`);
      this.#out.write(`${this.#drawn > 0 ? cursorUp(this.#drawn) : ''}${lines.join('')}`);
      this.#drawn = lines.length;
      return;
    }
    const elapsed = `[${(Math.max(0, ...this.#streams.map((s) => s.elapsedSeconds(now))) || 0).toFixed(1)}s]`;
    for (const stats of this.#streams) {
      if (this.#reported.has(stats)) continue;
      if (stats.endedAt !== undefined) this.#reported.add(stats);
      this.#out.write(`${elapsed} ${progressLine(stats, this.#pathWidth, now)}\n`);
    }
  }
}
