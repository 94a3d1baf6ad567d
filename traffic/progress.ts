import type { StreamStats } from './stats.ts';

/** How often progress is shown: redrawn in place on a terminal, appended as plain lines otherwise. */
const TTY_INTERVAL_MS = 250;
const PLAIN_INTERVAL_MS = 5000;
/** Narrow enough that a line of the Python demo's streams fits 80 columns. */
const BAR_WIDTH = 10;
const ERASE_LINE = '\x1b[2K';
const cursorUp = (lines: number) => `\x1b[${lines}A`;

interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: longer lines would wrap and break the redraw. */
  columns?: number;
}

function percent(stats: StreamStats): number {
  return stats.planned === 0 ? 100 : Math.floor((100 * stats.sent) / stats.planned);
}

/** One stream's state in one line: how far (a bar and counts), how fast, for how long (its own time), how many errors. */
export function progressLine(stats: StreamStats, pathWidth: number, now = performance.now()): string {
  const state = stats.endedAt === undefined ? '' : stats.sent === stats.planned ? '  done' : '  stopped';
  const filled = Math.round((BAR_WIDTH * percent(stats)) / 100);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const counts = `${stats.sent}/${stats.planned}`.padStart(11);
  const rate = `${Math.round(stats.requestsPerSecond(now))} req/s`.padStart(11);
  const elapsed = `${stats.elapsedSeconds(now).toFixed(1)}s`.padStart(7);
  const errors = stats.errors === 0 ? '' : `  ${stats.errors} error${stats.errors === 1 ? '' : 's'}`;
  return `${stats.plan.path.padEnd(pathWidth)} ${bar} ${counts} ${rate} ${elapsed}${errors}${state}`;
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
    for (const stats of this.#streams) {
      if (this.#reported.has(stats)) continue;
      if (stats.endedAt !== undefined) this.#reported.add(stats);
      this.#out.write(`${progressLine(stats, this.#pathWidth, now)}\n`);
    }
  }
}
